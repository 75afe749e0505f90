export interface CompletedInvocation {
  finishedAt: number;
  durationMs: number;
  failed: boolean;
  coldStart: boolean;
}

export interface WindowSummary {
  invocations: number;
  invocationsPerSecond: number;
  errorRate: number;
  coldStarts: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p99DurationMs: number | null;
}

/**
 * Completed invocations of the last `windowMs`, summarised on demand. Memory is bounded
 * by `maxSamples`: beyond it the oldest samples go first (rates then undercount, which
 * only happens above maxSamples / window invocations per second).
 */
export class RollingWindow {
  private samples: CompletedInvocation[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples = 100_000,
  ) {}

  add(sample: CompletedInvocation): void {
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }

  summarise(now: number): WindowSummary {
    const from = now - this.windowMs;
    const firstInside = this.samples.findIndex((s) => s.finishedAt > from);
    this.samples = firstInside === -1 ? [] : this.samples.slice(firstInside);
    const durations = this.samples.map((s) => s.durationMs).sort((a, b) => a - b);
    const failures = this.samples.filter((s) => s.failed).length;
    return {
      invocations: this.samples.length,
      invocationsPerSecond: this.samples.length / (this.windowMs / 1000),
      errorRate: this.samples.length === 0 ? 0 : failures / this.samples.length,
      coldStarts: this.samples.filter((s) => s.coldStart).length,
      p50DurationMs: percentile(durations, 0.5),
      p95DurationMs: percentile(durations, 0.95),
      p99DurationMs: percentile(durations, 0.99),
    };
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
