import { FunctionInvocationIdsDocument, FunctionLogsDocument, InvocationDocument, type LogLineFieldsFragment } from '@fngraph/sdk';
import type { CommandContext } from './context.js';
import { ExitCode, cliErrorFrom } from './exit-codes.js';
import { PrintedLines } from './log-lines.js';

/** Reconnection delays: 0.5 s doubling to 10 s. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/** How many of the function's latest invocations a catch-up read looks at. */
const CATCH_UP_INVOCATIONS = 50;
/** Catch-up reads after each (re)connection: soon, and once more in case the subscription took longer to start. */
const CATCH_UP_AFTER_MS = [300, 3000];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows every invocation's log lines of one function (graphql-ws `functionLogs`) until
 * `signal` aborts. When the connection drops (a server restart, a network cut) it
 * reconnects with backoff, then catches up: the lines stored on the function's latest
 * invocations since following began that were not printed yet. Each line is passed to
 * `onLine` once. What can still be missed: lines of invocations beyond the latest 50
 * during an outage, lines beyond the server's stored cap (`logsTruncated`), and lines of
 * an invocation cut by the restart that it never stored.
 */
export class FunctionLogFollower {
  private readonly printed = new PrintedLines();
  private readonly since = new Date().toISOString();

  constructor(
    private readonly context: CommandContext,
    private readonly functionId: string,
    private readonly onLine: (line: LogLineFieldsFragment) => void,
    private readonly onNotice: (message: string) => void,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    let delay = FIRST_DELAY_MS;
    let reconnecting = false;
    while (!signal.aborted) {
      const client = this.context.newClient();
      const stop = () => void client.close();
      signal.addEventListener('abort', stop, { once: true });
      // Also on the first connection: lines of invocations started before the subscription was active.
      const catchUps = CATCH_UP_AFTER_MS.map((ms) => sleep(ms, signal).then(() => this.catchUp(signal)));
      try {
        for await (const { functionLogs } of client.subscribe(FunctionLogsDocument, { functionId: this.functionId })) {
          if (reconnecting) {
            this.onNotice('Reconnected.');
            reconnecting = false;
          }
          delay = FIRST_DELAY_MS;
          this.offer(functionLogs);
        }
      } catch (error) {
        const failure = cliErrorFrom(error);
        // A key revoked or a function gone will not come back by retrying.
        if (failure.exitCode === ExitCode.AUTH || (failure.exitCode === ExitCode.REFUSED && failure.code !== 'THROTTLED')) throw failure;
        if (!signal.aborted && !reconnecting) this.onNotice(`Connection lost (${failure.message}); reconnecting…`);
      } finally {
        signal.removeEventListener('abort', stop);
        await Promise.all(catchUps);
        await client.close();
      }
      if (signal.aborted) return;
      reconnecting = true;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }

  private offer(line: LogLineFieldsFragment): void {
    if (this.printed.claim(line)) this.onLine(line);
  }

  /** Prints the stored lines, not printed yet, of the invocations queued since following began. */
  private async catchUp(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    try {
      const { client } = this.context;
      const { invocations } = await client.request(FunctionInvocationIdsDocument, { functionId: this.functionId, first: CATCH_UP_INVOCATIONS });
      const recent = invocations.nodes.filter((invocation) => invocation.queuedAt >= this.since).reverse();
      for (const { id } of recent) {
        const { invocation } = await client.request(InvocationDocument, { id });
        for (const line of invocation.logs) this.offer(line);
      }
    } catch {
      // The server is not back yet: the next reconnect catches up.
    }
  }
}
