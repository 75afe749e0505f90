import { describe, expect, it } from 'vitest';
import { Autoscaler, type AutoscalerSettings, type ScaleBounds } from './autoscaler.js';

const SETTINGS: AutoscalerSettings = { stableWindowMs: 60_000, panicWindowMs: 6_000, panicThreshold: 2, targetConcurrency: 1 };

/** An autoscaler on a hand-driven clock, sampled once a second as the executor does. */
function scaler(bounds: Partial<ScaleBounds> = {}, settings: Partial<AutoscalerSettings> = {}) {
  let now = 1_000_000;
  const autoscaler = new Autoscaler({ ...SETTINGS, ...settings }, { minInstances: 0, maxInstances: 100, ...bounds }, () => now);
  return {
    autoscaler,
    /** `seconds` one-second ticks observing `concurrency` each; returns the last decision. */
    run(seconds: number, concurrency: number, current: number) {
      let decision = autoscaler.decide(current);
      for (let i = 0; i < seconds; i++) {
        now += 1000;
        autoscaler.record(concurrency);
        decision = autoscaler.decide(current);
      }
      return decision;
    },
  };
}

describe(Autoscaler.name, () => {
  it('follows the stable average: ceil(concurrency / target per sandbox)', () => {
    const { run } = scaler();
    expect(run(60, 2.5, 3)).toEqual({ desired: 3, panicking: false });
    expect(run(60, 0.2, 3)).toEqual({ desired: 1, panicking: false });
  });

  it('averages over the stable window, so a short dip does not scale down', () => {
    const { run } = scaler();
    run(60, 4, 4);
    // 10 s of nothing in a 60 s window: the average is still 50/60 × 4 ≈ 3.3.
    expect(run(10, 0, 4)).toEqual({ desired: 4, panicking: false });
  });

  it('drops its floor when the version stops being current, then scales to zero once idle for a stable window', () => {
    const { autoscaler, run } = scaler({ minInstances: 2 });
    expect(run(70, 0, 2)).toEqual({ desired: 2, panicking: false });
    autoscaler.setMinInstances(0);
    expect(run(1, 0, 2)).toEqual({ desired: 0, panicking: false });
  });

  it('wants no more than minInstances once nothing ran for the idle limit, even if the stable window still remembers calls', () => {
    const { run } = scaler({ minInstances: 1 }, { idleLimitMs: 5_000 });
    expect(run(10, 3, 3)).toEqual({ desired: 3, panicking: false });
    expect(run(4, 0, 3).desired).toBe(3);
    expect(run(1, 0, 3)).toEqual({ desired: 1, panicking: false });
  });

  it('honours a target concurrency above one', () => {
    const { run } = scaler({}, { targetConcurrency: 10 });
    expect(run(60, 25, 3).desired).toBe(3);
  });

  it('panics when the panic window wants at least twice the current sandboxes, and scales on it at once', () => {
    const { run } = scaler();
    run(60, 1, 1);
    // 3 s of 10 in flight: the stable average barely moves, the 6 s panic average is 5.5.
    const decision = run(3, 10, 1);
    expect(decision.panicking).toBe(true);
    expect(decision.desired).toBeGreaterThanOrEqual(6);
  });

  it('panics from zero sandboxes on a burst (current counts as at least one)', () => {
    const { run } = scaler();
    expect(run(1, 8, 0)).toEqual({ desired: 8, panicking: true });
  });

  it('does not panic below the threshold', () => {
    const { run } = scaler();
    run(60, 2, 2);
    expect(run(6, 3, 2)).toMatchObject({ panicking: false });
  });

  it('never scales down while panicking, and leaves panic a stable window after the last burst', () => {
    const { run } = scaler();
    expect(run(2, 10, 1)).toEqual({ desired: 10, panicking: true });
    // Demand collapses: the panic average falls, the decision does not.
    expect(run(5, 0, 10)).toEqual({ desired: 10, panicking: true });
    expect(run(50, 0, 10)).toEqual({ desired: 10, panicking: true });
    // 60 s after the threshold was last reached: back to the stable average (zero demand since 58 s: 2/60 × 10 → 1).
    const after = run(5, 0, 10);
    expect(after.panicking).toBe(false);
    expect(after.desired).toBeLessThan(10);
  });

  it('keeps what exists during a panic even when the panic value is lower', () => {
    const { run } = scaler();
    run(1, 4, 1); // panicking, wants 4
    expect(run(1, 2, 6)).toEqual({ desired: 6, panicking: true });
  });

  it('scales to zero only after a whole stable window without demand', () => {
    const { run } = scaler({}, { stableWindowMs: 10_000, panicWindowMs: 2_000 });
    run(10, 1, 1);
    expect(run(9, 0, 1).desired).toBe(1);
    expect(run(1, 0, 1).desired).toBe(0);
  });

  it('a new version is not scaled to zero before it had a stable window', () => {
    const { autoscaler, run } = scaler({}, { stableWindowMs: 10_000, panicWindowMs: 2_000 });
    expect(autoscaler.decide(1).desired).toBe(1);
    expect(run(9, 0, 1).desired).toBe(1);
    expect(run(1, 0, 1).desired).toBe(0);
  });

  it('stays within minInstances and maxInstances', () => {
    const idle = scaler({ minInstances: 2, maxInstances: 5 }, { stableWindowMs: 10_000, panicWindowMs: 2_000 });
    expect(idle.run(30, 0, 2)).toEqual({ desired: 2, panicking: false });
    const busy = scaler({ minInstances: 2, maxInstances: 5 });
    expect(busy.run(60, 20, 5).desired).toBe(5);
    expect(busy.run(3, 50, 5)).toEqual({ desired: 5, panicking: true });
  });

  it('forgets samples older than both windows', () => {
    const { autoscaler, run } = scaler({}, { stableWindowMs: 5_000, panicWindowMs: 1_000 });
    run(100, 1, 1);
    expect((autoscaler as unknown as { samples: unknown[] }).samples.length).toBeLessThanOrEqual(5);
  });
});
