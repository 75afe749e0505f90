import type { PageRequest, PageResult } from '@/common/pagination/page.js';
import type { InvocationFilter, InvocationProgress, InvocationRecord } from './invocation.record.js';

/** Storage port for invocation records. */
export abstract class InvocationRepository {
  abstract insert(record: InvocationRecord): Promise<void>;
  abstract update(id: string, progress: InvocationProgress): Promise<void>;
  abstract findById(id: string): Promise<InvocationRecord | null>;
  abstract findByIds(ids: readonly string[]): Promise<InvocationRecord[]>;
  /** Newest first (ids are time-ordered); `page.after` is an invocation id. */
  abstract list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>>;
  /** The newest invocation of each given function (functions never invoked are absent). */
  abstract latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]>;
}
