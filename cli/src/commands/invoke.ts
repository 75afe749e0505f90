import {
  FngraphError,
  InvocationDocument,
  InvocationLogsDocument,
  InvokeFunctionDocument,
  type InvocationSummaryFragment,
  type LogLineFieldsFragment,
} from '@fngraph/sdk';
import type { CommandContext } from '../context.js';
import { ExitCode, ReportedFailure } from '../exit-codes.js';
import { PrintedLines, formatLogLine } from '../log-lines.js';
import { type PayloadOptions, invocationPayload } from '../payload.js';

export interface InvokeOptions extends PayloadOptions {
  async?: boolean;
  follow?: boolean;
  pin?: string;
}

/** Lines may arrive just after the record says the invocation ended. */
const STREAM_GRACE_MS = 300;

/** Reads the invocation until it has finished (after its log stream ended, or where there was none). */
async function finishedInvocation(context: CommandContext, id: string) {
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const { invocation } = await context.client.request(InvocationDocument, { id });
    // Only QUEUED and RUNNING change; every other status is final.
    if (invocation.status !== 'QUEUED' && invocation.status !== 'RUNNING') return invocation;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function describeResult(invocation: InvocationSummaryFragment): string {
  if (invocation.status !== 'SUCCEEDED') {
    const error = invocation.error ? `: ${invocation.error.type}: ${invocation.error.message}` : '';
    return `Invocation ${invocation.id} ${invocation.status}${error}`;
  }
  return typeof invocation.response === 'string' ? invocation.response : JSON.stringify(invocation.response, null, 2);
}

function invocationDocument(invocation: InvocationSummaryFragment, logs: LogLineFieldsFragment[] | undefined) {
  return { invocation, ...(logs ? { logs } : {}) };
}

/**
 * `fngraph invoke`: runs the function and prints its result (stdout) and its log lines
 * (stderr in text mode). `--async` prints the queued invocation; `--follow` queues it,
 * streams its lines as they happen, then prints the result.
 */
export async function invokeCommand(context: CommandContext, name: string, options: InvokeOptions): Promise<void> {
  const { client, output } = context;
  const input = { name, version: options.pin, ...invocationPayload(options) };
  if (options.async && !options.follow) {
    const { invokeFunction } = await client.request(InvokeFunctionDocument, { input: { ...input, async: true } });
    output.result({ invocation: invokeFunction }, () => `Queued invocation ${invokeFunction.id} (${invokeFunction.status})`);
    return;
  }

  let invocation: InvocationSummaryFragment;
  let logs: LogLineFieldsFragment[];
  if (options.follow) {
    const { invokeFunction } = await client.request(InvokeFunctionDocument, { input: { ...input, async: true } });
    output.note(`Invocation ${invokeFunction.id} queued; following its logs`);
    logs = [];
    const printed = new PrintedLines();
    const take = (line: LogLineFieldsFragment) => {
      if (!printed.claim(line)) return;
      logs.push(line);
      if (!output.json) output.note(formatLogLine(line));
    };
    // The stream ends when the invocation does; the record is watched too, and the stream
    // closed once it says the invocation ended (a queued invocation that ends dead-lettered
    // after its retries does not end its stream), then the stored lines fill any gap.
    const logClient = context.newClient();
    const finishing = finishedInvocation(context, invokeFunction.id).then(async (finished) => {
      await new Promise((resolve) => setTimeout(resolve, STREAM_GRACE_MS));
      await logClient.close();
      return finished;
    });
    try {
      for await (const { invocationLogs } of logClient.subscribe(InvocationLogsDocument, { invocationId: invokeFunction.id })) take(invocationLogs);
    } catch (error) {
      if (!(error instanceof FngraphError && error.code === 'CONNECTION_CLOSED'))
        output.note(`Log stream ended early (${(error as Error).message}); reading the stored lines`);
    }
    const finished = await finishing;
    await logClient.close();
    for (const line of finished.logs) take(line);
    invocation = finished;
  } else {
    const { invokeFunction } = await client.request(InvokeFunctionDocument, { input });
    invocation = invokeFunction;
    logs = invokeFunction.logs;
    if (!output.json) for (const line of logs) output.note(formatLogLine(line));
  }
  output.result(invocationDocument(invocation, logs), () => describeResult(invocation));
  if (invocation.status !== 'SUCCEEDED') throw new ReportedFailure(ExitCode.FAILED);
}
