import { describe, expect, it } from 'vitest';
import { startCanarySchema } from './canary-rules.js';
import { canaryRoutes, sameRoutes } from './canary-routes.js';

const base = { functionId: 'f-1', alias: 'prod', candidateVersion: '2.0.0' };

describe('startCanarySchema', () => {
  const schema = startCanarySchema(5);
  const issue = (input: Record<string, unknown>) => {
    const result = schema.safeParse({ ...base, ...input });
    return result.success ? null : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('fills in the defaults', () => {
    expect(schema.parse(base)).toEqual({
      ...base,
      steps: [10, 25, 50, 100],
      stepSeconds: 60,
      minInvocations: 20,
      maxErrorRateIncrease: 0.05,
      maxP99Ratio: 1.5,
    });
    expect(schema.parse({ ...base, steps: null, stepSeconds: null }).steps).toEqual([10, 25, 50, 100]);
  });

  it('wants increasing steps that end at 100', () => {
    expect(issue({ steps: [100] })).toBeNull();
    expect(issue({ steps: [50, 20, 100] })).toEqual(['steps: must increase step by step']);
    expect(issue({ steps: [10, 10, 100] })).toEqual(['steps: must increase step by step']);
    expect(issue({ steps: [10, 50] })).toEqual(['steps: must end at 100 (the candidate takes all the traffic before it is promoted)']);
    expect(issue({ steps: [] })).toContain('steps: needs at least one step');
    expect(issue({ steps: [0, 100] })).toEqual(['steps.0: must be 1 to 100']);
  });

  it('keeps step lengths between the operator floor and an hour, and thresholds in range', () => {
    expect(issue({ stepSeconds: 4 })).toEqual(['stepSeconds: must be 5 to 3600']);
    expect(startCanarySchema(1).safeParse({ ...base, stepSeconds: 1 }).success).toBe(true);
    expect(issue({ stepSeconds: 3601 })).toEqual(['stepSeconds: must be 5 to 3600']);
    expect(issue({ maxErrorRateIncrease: 1.01 })).toEqual(['maxErrorRateIncrease: must be 0 to 1']);
    expect(issue({ maxP99Ratio: 0.9 })).toEqual(['maxP99Ratio: must be 1 to 1000']);
    expect(issue({ minInvocations: -1 })).toEqual(['minInvocations: must be 0 to 1000000']);
    expect(issue({ alias: '1.0.0' })).not.toBeNull();
    expect(issue({ candidateVersion: 'next' })).toEqual(['candidateVersion: must be a version number (semver)']);
    expect(issue({ extra: true })).not.toBeNull();
  });
});

describe('canaryRoutes', () => {
  const canary = { stableVersion: '1.0.0', candidateVersion: '2.0.0', weight: 25 };

  it('splits while running (stable first), and points at one version once finished', () => {
    expect(canaryRoutes({ ...canary, status: 'RUNNING' })).toEqual([
      { version: '1.0.0', weight: 75 },
      { version: '2.0.0', weight: 25 },
    ]);
    expect(canaryRoutes({ ...canary, status: 'PROMOTED', weight: 100 })).toEqual([{ version: '2.0.0', weight: 100 }]);
    expect(canaryRoutes({ ...canary, status: 'ROLLED_BACK', weight: 0 })).toEqual([{ version: '1.0.0', weight: 100 }]);
    expect(canaryRoutes({ ...canary, status: 'ABORTED', weight: 0 })).toEqual([{ version: '1.0.0', weight: 100 }]);
  });

  it('compares routes by version, weight and order', () => {
    const running = canaryRoutes({ ...canary, status: 'RUNNING' });
    expect(sameRoutes(running, [...running])).toBe(true);
    expect(sameRoutes(running, [...running].reverse())).toBe(false);
    expect(sameRoutes(running, [{ version: '1.0.0', weight: 100 }])).toBe(false);
  });
});
