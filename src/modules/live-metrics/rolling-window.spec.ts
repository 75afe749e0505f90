import { describe, expect, it } from 'vitest';
import { percentile, RollingWindow } from './rolling-window.js';

describe('RollingWindow', () => {
  it('summarises only the samples inside the window', () => {
    const window = new RollingWindow(10_000);
    for (let i = 1; i <= 100; i++) window.add({ finishedAt: 1_000 + i * 100, durationMs: i, failed: i % 10 === 0, coldStart: i <= 2 });
    const summary = window.summarise(11_000);
    expect(summary.invocations).toBe(100);
    expect(summary.invocationsPerSecond).toBe(10);
    expect(summary.errorRate).toBeCloseTo(0.1);
    expect(summary.coldStarts).toBe(2);
    expect(summary.p50DurationMs).toBe(50);
    expect(summary.p95DurationMs).toBe(95);
    expect(summary.p99DurationMs).toBe(99);

    const later = window.summarise(16_000);
    expect(later.invocations).toBe(50);
    expect(later.p50DurationMs).toBe(75);
    expect(window.summarise(30_000)).toMatchObject({ invocations: 0, errorRate: 0, p50DurationMs: null });
  });

  it('keeps memory bounded', () => {
    const window = new RollingWindow(60_000, 10);
    for (let i = 0; i < 100; i++) window.add({ finishedAt: 1_000, durationMs: i, failed: false, coldStart: false });
    expect(window.summarise(1_000).invocations).toBe(10);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  });
});
