import type { LogLineFieldsFragment } from '@fngraph/sdk';

/** One log line for people: time, invocation, stream, message. */
export function formatLogLine(line: LogLineFieldsFragment): string {
  const dropped = line.droppedBefore ? `[${line.droppedBefore} lines dropped]\n` : '';
  return `${dropped}${line.timestamp} ${line.invocationId.slice(-8)} ${line.stream.padEnd(6)} ${line.message}`;
}

/** One log line as a JSON Lines document. */
export function logLineDocument(line: LogLineFieldsFragment): Record<string, unknown> {
  return {
    type: 'log',
    invocationId: line.invocationId,
    seq: line.seq,
    stream: line.stream,
    message: line.message,
    timestamp: line.timestamp,
    droppedBefore: line.droppedBefore,
  };
}

/**
 * Which lines were printed already, by invocation and sequence number, so that lines that
 * arrive twice (live, and again from a catch-up read after a reconnect) are printed once.
 * Remembers the most recent `capacity` invocations.
 */
export class PrintedLines {
  private readonly seen = new Map<string, Set<number>>();

  constructor(private readonly capacity = 2000) {}

  /** True the first time a line is offered, false after. */
  claim(line: Pick<LogLineFieldsFragment, 'invocationId' | 'seq'>): boolean {
    let seqs = this.seen.get(line.invocationId);
    if (!seqs) {
      seqs = new Set();
      this.seen.set(line.invocationId, seqs);
      if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    }
    if (seqs.has(line.seq)) return false;
    seqs.add(line.seq);
    return true;
  }
}
