import { FunctionByNameDocument, FunctionInvocationIdsDocument, InvocationDocument, type LogLineFieldsFragment } from '@fngraph/sdk';
import type { CommandContext } from '../context.js';
import { FunctionLogFollower } from '../function-log-follower.js';
import { formatLogLine, logLineDocument } from '../log-lines.js';

export interface LogsOptions {
  follow?: boolean;
  limit: string;
}

/** Runs until SIGINT/SIGTERM, then resolves (exit 0). */
export function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/**
 * `fngraph logs <name>`: the lines of the function's latest invocations; with `--follow`,
 * every new line as it happens (JSON Lines with `--output json`), across reconnects.
 */
export async function logsCommand(context: CommandContext, name: string, options: LogsOptions): Promise<void> {
  const { client, output } = context;
  const { functionByName } = await client.request(FunctionByNameDocument, { name });
  if (options.follow) {
    output.note(`Following the logs of ${name} (Ctrl-C to stop)`);
    const follower = new FunctionLogFollower(
      context,
      functionByName.id,
      (line) => output.event(logLineDocument(line), () => formatLogLine(line)),
      (message) => output.note(message),
    );
    await follower.run(untilInterrupted());
    return;
  }
  const { invocations } = await client.request(FunctionInvocationIdsDocument, { functionId: functionByName.id, first: Number(options.limit) || 10 });
  const oldestFirst: { id: string; status: string; queuedAt: string; logs: LogLineFieldsFragment[]; logsTruncated: boolean }[] = [];
  for (const { id } of [...invocations.nodes].reverse()) {
    const { invocation } = await client.request(InvocationDocument, { id });
    oldestFirst.push({ id, status: invocation.status, queuedAt: invocation.queuedAt, logs: invocation.logs, logsTruncated: invocation.logsTruncated });
  }
  output.result({ function: { id: functionByName.id, name }, invocations: oldestFirst }, () =>
    oldestFirst
      .flatMap((invocation) => [...invocation.logs.map(formatLogLine), ...(invocation.logsTruncated ? [`[${invocation.id}: further lines not stored]`] : [])])
      .join('\n'),
  );
}
