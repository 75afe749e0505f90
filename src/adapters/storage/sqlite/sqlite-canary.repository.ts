import { Injectable } from '@nestjs/common';
import type { CanaryRecord } from '@/modules/canary/canary.record.js';
import { CanaryRepository } from '@/modules/canary/canary.repository.js';
import { canaryRunningKey, decodeCanary, encodeCanary } from '../canary-document.js';
import { SqliteDatabase } from './sqlite-database.js';

@Injectable()
export class SqliteCanaryRepository extends CanaryRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: CanaryRecord): Promise<boolean> {
    // The unique running_key refuses a second running canary of the alias, also from another process.
    const { changes } = this.db
      .statement(
        `INSERT INTO canaries (id, function_id, alias, running_key, status, revision, document) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (running_key) DO NOTHING`,
      )
      .run(record.id, record.functionId, record.alias, canaryRunningKey(record), record.status, record.revision, encodeCanary(record));
    return changes === 1;
  }

  async update(record: CanaryRecord): Promise<boolean> {
    const { changes } = this.db
      .statement('UPDATE canaries SET running_key = ?, status = ?, revision = ?, document = ? WHERE id = ? AND revision = ?')
      .run(canaryRunningKey(record), record.status, record.revision, encodeCanary(record), record.id, record.revision - 1);
    return changes === 1;
  }

  async findById(id: string): Promise<CanaryRecord | null> {
    const row = this.db.statement<{ document: string }>('SELECT document FROM canaries WHERE id = ?').get(id);
    return row ? decodeCanary(row.document) : null;
  }

  async latest(functionId: string, alias: string): Promise<CanaryRecord | null> {
    const row = this.db
      .statement<{ document: string }>('SELECT document FROM canaries WHERE function_id = ? AND alias = ? ORDER BY id DESC LIMIT 1')
      .get(functionId, alias);
    return row ? decodeCanary(row.document) : null;
  }

  async listRunning(): Promise<CanaryRecord[]> {
    return this.db
      .statement<{ document: string }>("SELECT document FROM canaries WHERE status = 'RUNNING'")
      .all()
      .map((row) => decodeCanary(row.document));
  }
}
