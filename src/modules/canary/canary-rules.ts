import semver from 'semver';
import { z } from 'zod';
import { aliasNameSchema } from '@/modules/aliases/alias-rules.js';

export const DEFAULT_CANARY_STEPS = [10, 25, 50, 100] as const;
export const DEFAULT_STEP_SECONDS = 60;
export const MAX_STEP_SECONDS = 3600;
export const DEFAULT_MIN_INVOCATIONS = 20;
export const DEFAULT_MAX_ERROR_RATE_INCREASE = 0.05;
export const DEFAULT_MAX_P99_RATIO = 1.5;

/** What `startCanary` takes; `minStepSeconds` is the operator's floor (FNGRAPH_CANARY_MIN_STEP_SECONDS). */
export function startCanarySchema(minStepSeconds: number) {
  return z.strictObject({
    functionId: z.string().min(1, 'is required'),
    alias: aliasNameSchema,
    candidateVersion: z.string().refine((version) => semver.valid(version) !== null, 'must be a version number (semver)'),
    steps: z
      .array(z.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100'))
      .min(1, 'needs at least one step')
      .max(20, 'takes at most 20 steps')
      .refine((steps) => steps.every((weight, i) => i === 0 || weight > steps[i - 1]!), 'must increase step by step')
      .refine((steps) => steps.at(-1) === 100, 'must end at 100 (the candidate takes all the traffic before it is promoted)')
      .nullish()
      .transform((steps) => steps ?? [...DEFAULT_CANARY_STEPS]),
    stepSeconds: z
      .number()
      .int('must be a whole number')
      .min(minStepSeconds, `must be ${minStepSeconds} to ${MAX_STEP_SECONDS}`)
      .max(MAX_STEP_SECONDS, `must be ${minStepSeconds} to ${MAX_STEP_SECONDS}`)
      .nullish()
      .transform((value) => value ?? DEFAULT_STEP_SECONDS),
    minInvocations: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 to 1000000')
      .max(1_000_000, 'must be 0 to 1000000')
      .nullish()
      .transform((value) => value ?? DEFAULT_MIN_INVOCATIONS),
    maxErrorRateIncrease: z
      .number()
      .min(0, 'must be 0 to 1')
      .max(1, 'must be 0 to 1')
      .nullish()
      .transform((value) => value ?? DEFAULT_MAX_ERROR_RATE_INCREASE),
    maxP99Ratio: z
      .number()
      .min(1, 'must be 1 to 1000')
      .max(1000, 'must be 1 to 1000')
      .nullish()
      .transform((value) => value ?? DEFAULT_MAX_P99_RATIO),
  });
}

export type StartCanaryRequest = z.output<ReturnType<typeof startCanarySchema>>;
