import { describe, expect, it } from 'vitest';
import { p99Index } from '@/modules/invocations/invocation.record.js';
import { type CanaryThresholds, judgeStep, type VersionWindowStats } from './canary-verdict.js';

const thresholds: CanaryThresholds = { minInvocations: 20, maxErrorRateIncrease: 0.05, maxP99Ratio: 1.5, p99NoiseFloorMs: 50 };
const stats = (count: number, errors: number, p99DurationMs: number | null): VersionWindowStats => ({ count, errors, p99DurationMs });

describe('judgeStep', () => {
  it('passes a candidate within both thresholds', () => {
    const verdict = judgeStep(stats(100, 1, 200), stats(20, 1, 290), thresholds, 1);
    expect(verdict.kind).toBe('pass');
    expect(verdict.reason).toContain('error rate 5.0% (1/20) against stable 1.0% (1/100)');
  });

  it('passes an error rate exactly at the allowed increase, fails one just above', () => {
    expect(judgeStep(stats(100, 0, 10), stats(20, 1, 10), thresholds, 1).kind).toBe('pass');
    const verdict = judgeStep(stats(100, 0, 10), stats(20, 2, 10), thresholds, 1);
    expect(verdict).toEqual({ kind: 'fail', reason: expect.stringContaining('error rate 10.0% (2/20) against stable 0.0% (0/100): more than 5.0% above') });
  });

  it('fails a candidate whose p99 exceeds the ratio by more than the noise floor', () => {
    const verdict = judgeStep(stats(100, 0, 200), stats(30, 0, 400), thresholds, 1);
    expect(verdict).toEqual({ kind: 'fail', reason: 'p99 400 ms against stable 200 ms: more than 1.5 times' });
  });

  it('does not fail on a p99 ratio within the noise floor (millisecond durations)', () => {
    expect(judgeStep(stats(100, 0, 2), stats(30, 0, 9), thresholds, 1).kind).toBe('pass');
    expect(judgeStep(stats(100, 0, 2), stats(30, 0, 53), thresholds, 1).kind).toBe('fail');
  });

  it('waits while the candidate has too few calls, and fails after three step lengths', () => {
    expect(judgeStep(stats(100, 0, 10), stats(19, 0, 10), thresholds, 1)).toEqual({ kind: 'wait', reason: '19 candidate call(s), fewer than the 20 required' });
    expect(judgeStep(stats(100, 0, 10), stats(19, 0, 10), thresholds, 2.9).kind).toBe('wait');
    expect(judgeStep(stats(100, 0, 10), stats(19, 0, 10), thresholds, 3)).toEqual({
      kind: 'fail',
      reason: '19 candidate call(s), fewer than the 20 required, after 3 step lengths',
    });
  });

  it('judges the error rate alone when the stable version had no calls', () => {
    expect(judgeStep(stats(0, 0, null), stats(20, 0, 5000), thresholds, 1).kind).toBe('pass');
    expect(judgeStep(stats(0, 0, null), stats(20, 20, 5), thresholds, 1).kind).toBe('fail');
  });
});

describe('p99Index', () => {
  it('is the nearest rank', () => {
    expect(p99Index(1)).toBe(0);
    expect(p99Index(100)).toBe(98);
    expect(p99Index(101)).toBe(99);
    expect(p99Index(1000)).toBe(989);
  });
});
