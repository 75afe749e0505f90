import type { ScheduleClaimRecord, ScheduleKey } from './schedule-claim.record.js';

/** What became of a claimed tick. */
export type ClaimOutcome = { invocationId: string; error: null } | { invocationId: null; error: string };

/**
 * Storage port for tick claims. Claims are keyed by (function, schedule, tick) under a
 * unique index, so among nodes racing for the same tick exactly one insert succeeds.
 */
export abstract class ScheduleClaimRepository {
  /** Inserts the claim; true for the one caller that inserted it, false when it existed. */
  abstract claim(key: ScheduleKey, tick: Date, nodeId: string, claimedAt: Date): Promise<boolean>;
  /** Records what the claiming node did with its tick. */
  abstract complete(key: ScheduleKey, tick: Date, outcome: ClaimOutcome): Promise<void>;
  /** The latest claim of each schedule that has one; order unspecified. */
  abstract latest(keys: readonly ScheduleKey[]): Promise<ScheduleClaimRecord[]>;
  /**
   * Deletes claims of ticks before `before`, except each schedule's latest (a monthly
   * schedule keeps its last run). Returns how many went.
   */
  abstract prune(before: Date): Promise<number>;
}
