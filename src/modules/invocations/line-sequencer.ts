import type { LogLineRecord } from './invocation.record.js';

/**
 * Puts lines that arrive from several sources (live events, buffer and record reads),
 * possibly repeated or out of order, back in `seq` order, each once: lines after a gap
 * wait until the gap is filled (or given up on).
 */
export class LineSequencer {
  private readonly waiting = new Map<number, LogLineRecord>();

  /** `last`: the seq of the last line handed out (0: none yet). */
  constructor(private lastSeq: number) {}

  get last(): number {
    return this.lastSeq;
  }

  /** Lines are held back behind a gap. */
  get hasGap(): boolean {
    return this.waiting.size > 0;
  }

  offer(line: LogLineRecord): void {
    if (line.seq > this.lastSeq) this.waiting.set(line.seq, line);
  }

  /** The lines that now follow the last one without a gap, in order. */
  take(): LogLineRecord[] {
    const ready: LogLineRecord[] = [];
    for (let line = this.waiting.get(this.lastSeq + 1); line; line = this.waiting.get(this.lastSeq + 1)) {
      this.waiting.delete(line.seq);
      ready.push(line);
      this.lastSeq = line.seq;
    }
    return ready;
  }

  /** Gives up on the gaps: every waiting line, in order, with how many lines were missed just before it. */
  skipGaps(): Array<{ line: LogLineRecord; droppedBefore: number }> {
    const lines = [...this.waiting.values()].sort((a, b) => a.seq - b.seq);
    this.waiting.clear();
    return lines.map((line) => {
      const droppedBefore = line.seq - this.lastSeq - 1;
      this.lastSeq = line.seq;
      return { line, droppedBefore };
    });
  }
}
