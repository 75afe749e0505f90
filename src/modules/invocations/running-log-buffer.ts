import type { LogLineRecord } from './invocation.record.js';

/**
 * Lines of invocations still running, readable from every server node, so a subscriber
 * on one node can replay what an invocation on another node printed before it joined.
 * (Finished invocations keep their lines on the stored record instead.)
 */
export abstract class RunningLogBuffer {
  /** Appends in call order; must not delay the caller. */
  abstract append(invocationId: string, line: LogLineRecord): void;
  /** The lines so far, or null when this buffer knows nothing of the invocation. */
  abstract read(invocationId: string): Promise<LogLineRecord[] | null>;
  /** The invocation ended and its lines are stored: the buffer may forget them soon. */
  abstract finish(invocationId: string): void;
}
