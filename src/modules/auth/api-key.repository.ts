import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { ApiKeyFilter, ApiKeyRecord } from './api-key.record.js';

/** Storage port for API keys. `prefix` is unique. */
export abstract class ApiKeyRepository {
  /** Throws `ConflictError` when the id or prefix exists. */
  abstract insert(record: ApiKeyRecord): Promise<void>;
  abstract findById(id: string): Promise<ApiKeyRecord | null>;
  abstract findByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  /** Newest first (ids are time-ordered); `page.after` is a key id. Revoked keys included. */
  abstract list(filter: ApiKeyFilter, page: PageRequest): Promise<PageResult<ApiKeyRecord>>;
  /** The keys minted with key `id` (its children, not their descendants), revoked ones included. */
  abstract listMintedBy(id: string): Promise<ApiKeyRecord[]>;
  /** Sets `revokedAt` unless already revoked; returns whether it did. */
  abstract revoke(id: string, at: Date): Promise<boolean>;
  /** Records a use; does nothing for an unknown id. */
  abstract touch(id: string, at: Date): Promise<void>;
  /** Whether any key exists at all (revoked ones included): decides the first-start bootstrap. */
  abstract any(): Promise<boolean>;
}
