import { Injectable } from '@nestjs/common';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { ApiKeyFilter, ApiKeyRecord } from '@/modules/auth/api-key.record.js';
import { ApiKeyRepository } from '@/modules/auth/api-key.repository.js';
import type { Role } from '@/kernel/identity/roles.js';
import { fromSqlDateOrNull, type SqlValue, SqliteDatabase, toSqlDate, toSqlDateOrNull, uniqueViolation } from './sqlite-database.js';

interface ApiKeyRow {
  id: string;
  prefix: string;
  name: string;
  owner_id: string;
  roles: string;
  secret_hash: string;
  created_at: number;
  created_by: string | null;
  created_by_key_id: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

@Injectable()
export class SqliteApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    try {
      this.db
        .statement(
          `INSERT INTO api_keys (id, prefix, name, owner_id, roles, secret_hash, created_at, created_by, created_by_key_id, expires_at, revoked_at, last_used_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.id,
          record.prefix,
          record.name,
          record.ownerId,
          JSON.stringify(record.roles),
          record.secretHash,
          toSqlDate(record.createdAt),
          record.createdBy,
          record.createdByKeyId,
          toSqlDateOrNull(record.expiresAt),
          toSqlDateOrNull(record.revokedAt),
          toSqlDateOrNull(record.lastUsedAt),
        );
    } catch (error) {
      if (uniqueViolation(error) === undefined) throw error;
      throw new ConflictError(`API key ${record.id} or prefix ${record.prefix} already exists`);
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = this.db.statement<ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?').get(id);
    return row ? toRecord(row) : null;
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const row = this.db.statement<ApiKeyRow>('SELECT * FROM api_keys WHERE prefix = ?').get(prefix);
    return row ? toRecord(row) : null;
  }

  async list(filter: ApiKeyFilter, page: PageRequest): Promise<PageResult<ApiKeyRecord>> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (filter.ownerId !== undefined) {
      conditions.push('owner_id = ?');
      params.push(filter.ownerId);
    }
    if (page.after !== undefined) {
      conditions.push('id < ?');
      params.push(page.after);
    }
    params.push(page.first + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.db.statement<ApiKeyRow>(`SELECT * FROM api_keys ${where} ORDER BY id DESC LIMIT ?`).all(...params);
    return { items: rows.slice(0, page.first).map(toRecord), hasMore: rows.length > page.first };
  }

  async listMintedBy(id: string): Promise<ApiKeyRecord[]> {
    return this.db.statement<ApiKeyRow>('SELECT * FROM api_keys WHERE created_by_key_id = ? ORDER BY id').all(id).map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = this.db.statement('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(toSqlDate(at), id);
    return result.changes === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    this.db.statement('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(toSqlDate(at), id);
  }

  async any(): Promise<boolean> {
    return this.db.statement<{ found: number }>('SELECT EXISTS (SELECT 1 FROM api_keys) AS found').get()?.found === 1;
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    ownerId: row.owner_id,
    roles: JSON.parse(row.roles) as Role[],
    secretHash: row.secret_hash,
    createdAt: new Date(row.created_at),
    createdBy: row.created_by,
    createdByKeyId: row.created_by_key_id,
    expiresAt: fromSqlDateOrNull(row.expires_at),
    revokedAt: fromSqlDateOrNull(row.revoked_at),
    lastUsedAt: fromSqlDateOrNull(row.last_used_at),
  };
}
