import type { InvocationWindowStats } from '@/modules/invocations/invocation.record.js';

export const CANARY_STATUSES = ['RUNNING', 'PROMOTED', 'ROLLED_BACK', 'ABORTED'] as const;
export type CanaryStatus = (typeof CANARY_STATUSES)[number];

export const CANARY_ACTIONS = ['START', 'ADVANCE', 'PROMOTE', 'ROLLBACK', 'ABORT'] as const;
export type CanaryAction = (typeof CANARY_ACTIONS)[number];

/** One thing a canary did, and why: its history, shown to operators and in `canaryUpdated`. */
export interface CanaryDecisionRecord {
  at: Date;
  /** The step (0-based index into `steps`) the decision closed, or opened for START. */
  step: number;
  /** The candidate's weight after the decision. */
  weight: number;
  action: CanaryAction;
  reason: string;
  /** The step window's figures the decision was made on; null where none were looked at (START, ABORT). */
  stable: InvocationWindowStats | null;
  candidate: InvocationWindowStats | null;
}

/**
 * A canary release of one alias: its weight moves from `stableVersion` to
 * `candidateVersion` step by step while the candidate's figures hold. Stored, so that any
 * node can drive it and a restart resumes it.
 */
export interface CanaryRecord {
  id: string;
  functionId: string;
  alias: string;
  stableVersion: string;
  candidateVersion: string;
  status: CanaryStatus;
  /** The candidate's weight at each step, ascending, the last one 100. */
  steps: number[];
  stepIndex: number;
  /** The candidate's weight now (0 once rolled back or aborted). */
  weight: number;
  stepSeconds: number;
  minInvocations: number;
  maxErrorRateIncrease: number;
  maxP99Ratio: number;
  startedAt: Date;
  /** When the current step began: its window starts here. */
  stepStartedAt: Date;
  finishedAt: Date | null;
  /** Why it ended (null while running, and when promoted). */
  reason: string | null;
  startedBy: string | null;
  decisions: CanaryDecisionRecord[];
  /**
   * Bumped by every change; a change is stored only over the revision it was made from.
   * That is the claim that lets exactly one node decide each step.
   */
  revision: number;
}
