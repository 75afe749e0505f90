import type { InvocationWindowStats } from '@/modules/invocations/invocation.record.js';

/** What the invocation records of one version say over a window: calls that ran, errors among them, the p99 duration. */
export type VersionWindowStats = InvocationWindowStats;

export interface CanaryThresholds {
  /** Fewer candidate calls than this in a step: the step waits (up to `MAX_STEP_LENGTHS` step lengths). */
  minInvocations: number;
  /** The candidate's error rate may exceed the stable version's by at most this (0..1). */
  maxErrorRateIncrease: number;
  /** The candidate's p99 may be at most this many times the stable version's. */
  maxP99Ratio: number;
  /**
   * p99 differences of at most this many milliseconds never fail a step: at millisecond
   * durations a ratio is noise (2 ms against 1 ms is "twice as slow").
   */
  p99NoiseFloorMs: number;
}

/** A step without enough candidate calls waits this many step lengths in all, then rolls back. */
export const MAX_STEP_LENGTHS = 3;

export type CanaryVerdict = { kind: 'pass'; reason: string } | { kind: 'wait'; reason: string } | { kind: 'fail'; reason: string };

export function errorRate(stats: VersionWindowStats): number {
  return stats.count === 0 ? 0 : stats.errors / stats.count;
}

/**
 * Judges one step of a canary from the stats of its window. `stepLengthsElapsed` is how
 * long the step has run, in step lengths (1 at the first look). Pure: the controller
 * decides what to do with the verdict.
 */
export function judgeStep(stable: VersionWindowStats, candidate: VersionWindowStats, thresholds: CanaryThresholds, stepLengthsElapsed: number): CanaryVerdict {
  if (candidate.count < thresholds.minInvocations) {
    const figures = `${candidate.count} candidate call(s), fewer than the ${thresholds.minInvocations} required`;
    if (stepLengthsElapsed >= MAX_STEP_LENGTHS) return { kind: 'fail', reason: `${figures}, after ${MAX_STEP_LENGTHS} step lengths` };
    return { kind: 'wait', reason: figures };
  }
  const stableRate = errorRate(stable);
  const candidateRate = errorRate(candidate);
  const rates = `error rate ${percent(candidateRate)} (${candidate.errors}/${candidate.count}) against stable ${percent(stableRate)} (${stable.errors}/${stable.count})`;
  // A small epsilon so that a difference exactly at the threshold passes despite floating point.
  if (candidateRate - stableRate > thresholds.maxErrorRateIncrease + 1e-9) {
    return { kind: 'fail', reason: `${rates}: more than ${percent(thresholds.maxErrorRateIncrease)} above` };
  }
  const latency = p99Comparison(stable, candidate, thresholds);
  if (latency.failed) return { kind: 'fail', reason: latency.text };
  return { kind: 'pass', reason: `${rates}; ${latency.text}` };
}

function p99Comparison(stable: VersionWindowStats, candidate: VersionWindowStats, thresholds: CanaryThresholds): { failed: boolean; text: string } {
  if (candidate.p99DurationMs === null) return { failed: false, text: 'no candidate durations' };
  // Without stable calls there is no baseline to compare the latency with (the error rate still counts).
  if (stable.p99DurationMs === null) return { failed: false, text: `p99 ${candidate.p99DurationMs} ms (no stable calls to compare with)` };
  const text = `p99 ${candidate.p99DurationMs} ms against stable ${stable.p99DurationMs} ms`;
  const tooSlow =
    candidate.p99DurationMs > thresholds.maxP99Ratio * stable.p99DurationMs && candidate.p99DurationMs - stable.p99DurationMs > thresholds.p99NoiseFloorMs;
  return tooSlow ? { failed: true, text: `${text}: more than ${thresholds.maxP99Ratio} times` } : { failed: false, text };
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
