/**
 * Time-weighted average of a level (invocations in flight) between two readings, so an
 * invocation shorter than the sampling interval still counts for the time it ran.
 */
export class ConcurrencyMeter {
  private level = 0;
  private since: number;
  private area = 0;
  private readFrom: number;

  constructor(private readonly now: () => number) {
    this.since = now();
    this.readFrom = this.since;
  }

  get current(): number {
    return this.level;
  }

  change(delta: number): void {
    this.accumulate();
    this.level += delta;
  }

  /** The average level since the previous call (or since creation), and starts a new period. */
  takeAverage(): number {
    this.accumulate();
    const elapsed = this.since - this.readFrom;
    const average = elapsed > 0 ? this.area / elapsed : this.level;
    this.area = 0;
    this.readFrom = this.since;
    return average;
  }

  private accumulate(): void {
    const now = this.now();
    this.area += this.level * (now - this.since);
    this.since = now;
  }
}
