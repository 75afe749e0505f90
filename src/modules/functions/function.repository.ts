import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { FunctionFilter, FunctionRecord, NameTombstone } from './function.record.js';

/** Fields that change when a new version becomes the latest one. */
export type FunctionHeadUpdate = Pick<
  FunctionRecord,
  'latestVersion' | 'latestVersionId' | 'versionCount' | 'updatedAt' | 'description' | 'language' | 'runtime' | 'author' | 'tags' | 'permissions' | 'schedules'
>;

/**
 * Storage port for functions. Names are unique among functions that are not deleted;
 * a deleted function keeps its record (and name) for history.
 */
export abstract class FunctionRepository {
  /** Throws `ConflictError` when an active function already has this name. */
  abstract insert(record: FunctionRecord): Promise<void>;
  /** Finds deleted functions too: invocation history refers to them. */
  abstract findById(id: string): Promise<FunctionRecord | null>;
  /** Active functions only. */
  abstract findByName(name: string): Promise<FunctionRecord | null>;
  /** Deleted functions included; order of the result is unspecified. */
  abstract findByIds(ids: readonly string[]): Promise<FunctionRecord[]>;
  /**
   * Active functions ordered by name; `page.after` is a name. `filter.namePrefix` matches
   * literally and case-sensitively (no wildcards); `filter.tag` matches one whole tag.
   */
  abstract list(filter: FunctionFilter, page: PageRequest): Promise<PageResult<FunctionRecord>>;
  /**
   * Moves the function to a new latest version if it still has `expectedVersionCount`
   * versions and is not deleted (optimistic concurrency). Returns whether it did.
   */
  abstract updateHead(id: string, expectedVersionCount: number, update: FunctionHeadUpdate): Promise<boolean>;
  /** Active functions with at least one enabled schedule, in no particular order (the schedulers' working set). */
  abstract listScheduled(): Promise<FunctionRecord[]>;
  /** Returns false when the function does not exist or is already deleted. */
  abstract markDeleted(id: string, at: Date): Promise<boolean>;
  /** The deleted functions that had this name (released or not), in no particular order. */
  abstract findTombstones(name: string): Promise<NameTombstone[]>;
  /** Marks the name's unreleased tombstones released; returns how many it marked. */
  abstract releaseName(name: string, at: Date): Promise<number>;
  /** Removes the record for good; used only to undo a half-done registration. */
  abstract remove(id: string): Promise<void>;
}
