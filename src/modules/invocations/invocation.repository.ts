import type { PageRequest, PageResult } from '@/common/pagination/page.js';
import type { InvocationFilter, InvocationProgress, InvocationRecord } from './invocation.record.js';

/** Storage port for invocation records. */
export abstract class InvocationRepository {
  abstract insert(record: InvocationRecord): Promise<void>;
  /**
   * Changes only the fields present in `progress` (an undefined field is absent; null is
   * stored). Does nothing when the invocation does not exist.
   */
  abstract update(id: string, progress: InvocationProgress): Promise<void>;
  abstract findById(id: string): Promise<InvocationRecord | null>;
  abstract findByIds(ids: readonly string[]): Promise<InvocationRecord[]>;
  /** Newest first (ids are time-ordered); `page.after` is an invocation id. */
  abstract list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>>;
  /** The newest invocation of each given function (functions never invoked are absent). */
  abstract latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]>;
}
