import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { InvocationFilter, InvocationRecord, InvocationStatus, InvocationWindowStats, VersionWindow } from './invocation.record.js';

/** Storage port for invocation records. */
export abstract class InvocationRepository {
  /**
   * Stores new records. One call is one batch (a single transaction where the store has
   * them), which is how the recorder writes many invocations for the price of one. An id
   * already stored is not an error: that record is updated instead (a retried batch).
   */
  abstract insertAll(records: readonly InvocationRecord[]): Promise<void>;
  /**
   * Replaces stored records by id, in one batch, but only those not yet final: a final
   * record never changes again, so a late write (a node presumed dead finishing after
   * the sweeper ended its work) cannot overwrite the outcome others already saw.
   */
  abstract updateAll(records: readonly InvocationRecord[]): Promise<void>;
  /** Replaces one record if its stored status is one of `from`; false when it was not. */
  abstract transition(record: InvocationRecord, from: readonly InvocationStatus[]): Promise<boolean>;
  abstract findById(id: string): Promise<InvocationRecord | null>;
  abstract findByIds(ids: readonly string[]): Promise<InvocationRecord[]>;
  /** Newest first (ids are time-ordered); `page.after` is an invocation id. */
  abstract list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>>;
  /** The newest invocation of each given function (functions never invoked are absent). */
  abstract latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]>;
  /**
   * The calls one alias of a function routed to one version that ran and finished at or
   * after `since` and before `until`: how many, how many were errors, and the p99 duration
   * of the warm ones. What a canary compares its candidate and stable versions with, step by
   * step (calls by version, or through other aliases, are not its traffic).
   */
  abstract versionWindowStats(window: VersionWindow): Promise<InvocationWindowStats>;
  /**
   * Calls a client waited for (not queued) still RUNNING on a node not in `liveNodeIds`
   * and started before `startedBefore`, oldest first: what dead nodes left unfinished.
   * (Queued ones are the queue's to deliver again.)
   */
  /**
   * Retention: empties the request (headers, query and body), response, logs and error stack of
   * up to `limit` finished records that finished before `finishedBefore` and still have them,
   * keeping every other field. Returns how many it emptied (0: nothing left to do). Several
   * nodes may run it at once: emptying twice is harmless.
   */
  abstract purgePayloads(finishedBefore: Date, limit: number): Promise<number>;
  /** Writes something small to the same store: proves writes get through again after a failure (e.g. a full disk). */
  abstract probeWrite(): Promise<void>;
  abstract findOrphaned(liveNodeIds: readonly string[], startedBefore: Date, limit: number): Promise<InvocationRecord[]>;
}
