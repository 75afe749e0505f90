import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { InvocationFilter, InvocationRecord } from './invocation.record.js';

/** Storage port for invocation records. */
export abstract class InvocationRepository {
  /**
   * Stores whole records: new ids are inserted, existing ones replaced. One call is one
   * batch (a single transaction where the store has them), which is how the recorder
   * writes many invocations for the price of one.
   */
  abstract saveAll(records: readonly InvocationRecord[]): Promise<void>;
  abstract findById(id: string): Promise<InvocationRecord | null>;
  abstract findByIds(ids: readonly string[]): Promise<InvocationRecord[]>;
  /** Newest first (ids are time-ordered); `page.after` is an invocation id. */
  abstract list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>>;
  /** The newest invocation of each given function (functions never invoked are absent). */
  abstract latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]>;
}
