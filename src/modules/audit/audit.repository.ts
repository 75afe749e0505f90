import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { AuditFilter, AuditRecord } from './audit.record.js';

/** Storage port for the audit log: append-only. */
export abstract class AuditRepository {
  abstract insert(record: AuditRecord): Promise<void>;
  /** Newest first (ids are time-ordered); `page.after` is a record id; `since` inclusive, `until` exclusive. */
  abstract list(filter: AuditFilter, page: PageRequest): Promise<PageResult<AuditRecord>>;
}
