import { Injectable } from '@nestjs/common';
import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import { AliasRepository } from '@/modules/aliases/alias.repository.js';
import { SqliteDatabase, toSqlDate, toSqlIdList } from './sqlite-database.js';

interface AliasRow {
  function_id: string;
  name: string;
  routes: string;
  shadow: string | null;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
}

@Injectable()
export class SqliteAliasRepository extends AliasRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async list(functionId: string): Promise<AliasRecord[]> {
    return this.db.statement<AliasRow>('SELECT * FROM function_aliases WHERE function_id = ? ORDER BY name').all(functionId).map(toRecord);
  }

  async listByFunctionIds(functionIds: readonly string[]): Promise<AliasRecord[]> {
    if (functionIds.length === 0) return [];
    return this.db
      .statement<AliasRow>('SELECT * FROM function_aliases WHERE function_id IN (SELECT value FROM json_each(?)) ORDER BY function_id, name')
      .all(toSqlIdList(functionIds))
      .map(toRecord);
  }

  async find(functionId: string, name: string): Promise<AliasRecord | null> {
    const row = this.db.statement<AliasRow>('SELECT * FROM function_aliases WHERE function_id = ? AND name = ?').get(functionId, name);
    return row ? toRecord(row) : null;
  }

  async save(record: AliasRecord): Promise<void> {
    this.db
      .statement(
        `INSERT INTO function_aliases (function_id, name, routes, shadow, created_at, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (function_id, name) DO UPDATE SET
           routes = excluded.routes, shadow = excluded.shadow, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(
        record.functionId,
        record.name,
        JSON.stringify(record.routes),
        record.shadow === null ? null : JSON.stringify(record.shadow),
        toSqlDate(record.createdAt),
        toSqlDate(record.updatedAt),
        record.updatedBy,
      );
  }

  async delete(functionId: string, name: string): Promise<boolean> {
    return this.db.statement('DELETE FROM function_aliases WHERE function_id = ? AND name = ?').run(functionId, name).changes === 1;
  }
}

function toRecord(row: AliasRow): AliasRecord {
  return {
    functionId: row.function_id,
    name: row.name,
    routes: JSON.parse(row.routes) as AliasRecord['routes'],
    shadow: row.shadow === null ? null : (JSON.parse(row.shadow) as AliasRecord['shadow']),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    updatedBy: row.updated_by,
  };
}
