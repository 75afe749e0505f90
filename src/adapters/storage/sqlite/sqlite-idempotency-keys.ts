import { Injectable } from '@nestjs/common';
import { IdempotencyKeys } from '@/modules/invocations/idempotency-keys.js';
import { SqliteDatabase } from './sqlite-database.js';

@Injectable()
export class SqliteIdempotencyKeys extends IdempotencyKeys {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async claim(scope: string, key: string, invocationId: string, expiresAt: Date, now: Date): Promise<string> {
    const row = this.db
      .statement<{ invocation_id: string }>(
        `INSERT INTO idempotency_keys (scope, key, invocation_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(scope, key) DO UPDATE SET invocation_id = excluded.invocation_id, expires_at = excluded.expires_at
           WHERE idempotency_keys.expires_at <= ?
         RETURNING invocation_id`,
      )
      .get(scope, key, invocationId, expiresAt.getTime(), now.getTime());
    if (row) return row.invocation_id;
    const held = this.db.statement<{ invocation_id: string }>('SELECT invocation_id FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key);
    return held?.invocation_id ?? invocationId;
  }

  async release(scope: string, key: string, invocationId: string): Promise<void> {
    this.db.statement('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND invocation_id = ?').run(scope, key, invocationId);
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db.statement('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now.getTime()).changes;
  }
}
