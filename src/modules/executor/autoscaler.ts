export interface AutoscalerSettings {
  /** Demand is averaged over this long for ordinary decisions, and scale to zero waits this long idle. */
  stableWindowMs: number;
  /** The short window that detects bursts. */
  panicWindowMs: number;
  /** Panic starts when the panic window wants at least this many times the current sandboxes. */
  panicThreshold: number;
  /** Invocations one sandbox serves at once (1: a sandbox serves one invocation at a time). */
  targetConcurrency: number;
  /**
   * No demand for this long means `minInstances`, whatever the windows still average
   * (`FNGRAPH_SANDBOX_IDLE_SECONDS`): otherwise a sandbox stopped for idleness would be
   * started again at once while the stable window remembers older calls.
   */
  idleLimitMs?: number;
}

export interface ScaleBounds {
  minInstances: number;
  maxInstances: number;
}

export interface ScaleDecision {
  desired: number;
  panicking: boolean;
}

interface Sample {
  at: number;
  concurrency: number;
}

/**
 * Decides how many sandboxes one function version should have, as Knative's KPA does:
 * concurrency samples are averaged over a stable and a panic window; the stable average
 * decides, unless the panic average wants at least `panicThreshold` times the sandboxes
 * there are, which starts panic mode: it scales on the panic average and never down,
 * until a whole stable window passes without reaching the threshold again. No demand for
 * a stable window means zero. Pure: time comes from the injected clock, effects are the
 * caller's.
 */
export class Autoscaler {
  private readonly samples: Sample[] = [];
  /** When panic mode last saw demand over the threshold; null when not panicking. */
  private panicSince: number | null = null;
  /** The highest panic decision of the current panic: it only goes up while panicking. */
  private panicDesired = 0;
  private lastActiveAt: number;

  constructor(
    private readonly settings: AutoscalerSettings,
    private bounds: ScaleBounds,
    private readonly now: () => number,
  ) {
    // A new version counts as just used: it is not scaled to zero before a window has passed.
    this.lastActiveAt = now();
  }

  /** The floor of the decisions: 0 once the version stops being the function's current one. */
  setMinInstances(minInstances: number): void {
    this.bounds = { ...this.bounds, minInstances };
  }

  /** One observation: the average number of invocations in flight since the previous one. */
  record(concurrency: number): void {
    const at = this.now();
    this.samples.push({ at, concurrency });
    if (concurrency > 0) this.lastActiveAt = at;
    const horizon = at - Math.max(this.settings.stableWindowMs, this.settings.panicWindowMs);
    while (this.samples.length > 0 && this.samples[0]!.at <= horizon) this.samples.shift();
  }

  /** The sandboxes wanted now, given how many exist (`current`: starting, busy or idle). */
  decide(current: number): ScaleDecision {
    const now = this.now();
    const stable = this.wanted(this.average(now, this.settings.stableWindowMs));
    const panic = this.wanted(this.average(now, this.settings.panicWindowMs));
    const overThreshold = panic / Math.max(1, current) >= this.settings.panicThreshold;
    if (overThreshold) this.panicSince = now;
    else if (this.panicSince !== null && now - this.panicSince >= this.settings.stableWindowMs) {
      this.panicSince = null;
      this.panicDesired = 0;
    }
    let desired = stable;
    if (this.panicSince !== null) {
      this.panicDesired = Math.max(this.panicDesired, panic, current);
      desired = this.panicDesired;
    }
    if (desired === 0 && now - this.lastActiveAt < this.settings.stableWindowMs) desired = 1;
    if (this.settings.idleLimitMs !== undefined && now - this.lastActiveAt >= this.settings.idleLimitMs) desired = 0;
    return { desired: Math.min(this.bounds.maxInstances, Math.max(this.bounds.minInstances, desired)), panicking: this.panicSince !== null };
  }

  private average(now: number, windowMs: number): number {
    let sum = 0;
    let count = 0;
    for (const sample of this.samples) {
      if (sample.at <= now - windowMs) continue;
      sum += sample.concurrency;
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  private wanted(concurrency: number): number {
    // Float noise (0.30000000000000004 sandboxes' worth) must not cost a sandbox.
    return Math.ceil(Math.round((concurrency / this.settings.targetConcurrency) * 1e6) / 1e6);
  }
}
