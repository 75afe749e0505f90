import type { ComparisonOutcome, ResultComparison } from '@/modules/comparisons/comparison.record.js';
import type { InvocationStatus } from '@/modules/invocations/invocation.record.js';

export const DEFAULT_REPLAY_LIMIT = 20;
export const MAX_REPLAY_LIMIT = 100;

/** Which recorded invocations to run again, and on which version. */
export interface ReplayRequest {
  functionId: string;
  targetVersion: string;
  /** These invocations (at most `MAX_REPLAY_LIMIT`); or, without them, the newest ones matching `filter`. */
  invocationIds?: string[];
  filter?: { status?: InvocationStatus; since?: Date; until?: Date };
  /** With `filter`: how many, 1 to `MAX_REPLAY_LIMIT` (default `DEFAULT_REPLAY_LIMIT`). */
  limit?: number;
}

/** One recorded invocation and its replay. */
export interface ReplayItem {
  originalId: string;
  /** The REPLAY invocation; null when skipped, or refused before it was recorded. */
  replayId: string | null;
  outcome: ComparisonOutcome;
  /** Why it was skipped or failed. */
  reason: string | null;
  originalVersion: string | null;
  /** Null when skipped or failed. */
  comparison: ResultComparison | null;
  /** Headers stored as `[redacted]` (credentials), sent again as such. */
  redactedHeaders: string[];
}

export interface ReplayReport {
  functionId: string;
  targetVersion: string;
  items: ReplayItem[];
  totals: Record<ComparisonOutcome, number>;
}
