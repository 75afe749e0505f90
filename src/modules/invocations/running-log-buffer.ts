import type { LogLineRecord } from './invocation.record.js';

/** The lines so far of an invocation running on this node. */
export interface RunningLogLines {
  readonly invocationId: string;
  readonly lines: readonly LogLineRecord[];
}

/**
 * Lines of invocations still running, readable from every server node, so a subscriber
 * on one node can replay what an invocation on another node printed before it joined,
 * or while the connection between the nodes was down.
 * (Finished invocations keep their lines on the stored record instead.)
 */
export abstract class RunningLogBuffer {
  /** Appends in call order; must not delay the caller (nor wait for an unreachable store). */
  abstract append(invocationId: string, line: LogLineRecord): void;
  /** The lines so far, or null when this buffer knows nothing of the invocation. */
  abstract read(invocationId: string): Promise<LogLineRecord[] | null>;
  /** The invocation ended and its lines are stored: the buffer may forget them soon. */
  abstract finish(invocationId: string): void;
  /**
   * Where this node's running invocations can be read in full: a buffer that lost
   * appends (its store was unreachable) rewrites them from there once it is back.
   */
  abstract restoreFrom(running: () => Iterable<RunningLogLines>): void;
}
