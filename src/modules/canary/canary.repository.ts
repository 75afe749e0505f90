import type { CanaryRecord } from './canary.record.js';

/** Storage port for canaries. */
export abstract class CanaryRepository {
  /** Stores a new RUNNING canary; false (nothing stored) when its alias already has a RUNNING one. */
  abstract insert(record: CanaryRecord): Promise<boolean>;
  /**
   * Replaces the canary if its stored revision is `record.revision - 1`; false when another
   * change (another node's decision, an abort) got there first. A canary that is no longer
   * RUNNING frees its alias for the next one.
   */
  abstract update(record: CanaryRecord): Promise<boolean>;
  abstract findById(id: string): Promise<CanaryRecord | null>;
  /** The newest canary of the alias, whatever its status. */
  abstract latest(functionId: string, alias: string): Promise<CanaryRecord | null>;
  /** Every RUNNING canary (a handful at most: one per alias). */
  abstract listRunning(): Promise<CanaryRecord[]>;
}
