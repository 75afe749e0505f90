import { Injectable } from '@nestjs/common';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { FunctionFilter, FunctionPermissions, FunctionRecord, FunctionScheduleRecord, NameTombstone } from '@/modules/functions/function.record.js';
import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import { FunctionRepository, type FunctionHeadUpdate } from '@/modules/functions/function.repository.js';
import { fromSqlDateOrNull, type SqlValue, SqliteDatabase, toSqlDate, toSqlDateOrNull, toSqlIdList, uniqueViolation } from './sqlite-database.js';

interface FunctionRow {
  id: string;
  name: string;
  name_key: string;
  description: string;
  language: string;
  runtime: string;
  owner_id: string | null;
  author: string | null;
  tags: string;
  permissions: string;
  schedules: string;
  scheduled: number;
  latest_version: string;
  latest_version_id: string;
  version_count: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** Sorts after every character a name can continue with, so `[prefix, prefix + MAX)` is "starts with prefix". */
const MAX_CODE_POINT = '\u{10FFFF}';

@Injectable()
export class SqliteFunctionRepository extends FunctionRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: FunctionRecord): Promise<void> {
    const row = toRow(record);
    try {
      this.db.transaction(() => {
        this.db
          .statement(
            `INSERT INTO functions (id, name, name_key, description, language, runtime, owner_id, author, tags, permissions,
               latest_version, latest_version_id, version_count, created_at, updated_at, deleted_at, schedules, scheduled)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            row.id,
            row.name,
            row.name_key,
            row.description,
            row.language,
            row.runtime,
            row.owner_id,
            row.author,
            row.tags,
            row.permissions,
            row.latest_version,
            row.latest_version_id,
            row.version_count,
            row.created_at,
            row.updated_at,
            row.deleted_at,
            row.schedules,
            row.scheduled,
          );
        this.writeTags(record.id, record.tags);
      });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === undefined) throw error;
      throw new ConflictError(
        constraint.includes('name_key') ? `A function named ${JSON.stringify(record.name)} already exists` : `Function ${record.id} already exists`,
      );
    }
  }

  async findById(id: string): Promise<FunctionRecord | null> {
    const row = this.db.statement<FunctionRow>('SELECT * FROM functions WHERE id = ?').get(id);
    return row ? toRecord(row) : null;
  }

  async findByName(name: string): Promise<FunctionRecord | null> {
    const row = this.db.statement<FunctionRow>('SELECT * FROM functions WHERE name_key = ? AND deleted_at IS NULL').get(name);
    return row ? toRecord(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<FunctionRecord[]> {
    if (ids.length === 0) return [];
    return this.db.statement<FunctionRow>('SELECT * FROM functions WHERE id IN (SELECT value FROM json_each(?))').all(toSqlIdList(ids)).map(toRecord);
  }

  async list(filter: FunctionFilter, page: PageRequest): Promise<PageResult<FunctionRecord>> {
    const conditions = ['deleted_at IS NULL'];
    const params: SqlValue[] = [];
    if (filter.namePrefix !== undefined && filter.namePrefix !== '') {
      // A range instead of LIKE: LIKE is case-insensitive and gives `%`/`_` meaning.
      conditions.push('name >= ? AND name < ?');
      params.push(filter.namePrefix, filter.namePrefix + MAX_CODE_POINT);
    }
    if (filter.language !== undefined) {
      conditions.push('language = ?');
      params.push(filter.language);
    }
    if (filter.tag !== undefined) {
      conditions.push('id IN (SELECT function_id FROM function_tags WHERE tag = ?)');
      params.push(filter.tag);
    }
    const reachable: string[] = [];
    if (filter.visibleTo !== undefined) {
      reachable.push(`owner_id = ?
        OR EXISTS (SELECT 1 FROM json_each(permissions, '$.allowedUsers') WHERE value = ?)
        OR EXISTS (SELECT 1 FROM json_each(permissions, '$.executionRoles') WHERE value IN (SELECT value FROM json_each(?)))`);
      params.push(filter.visibleTo.subject, filter.visibleTo.subject, JSON.stringify(filter.visibleTo.roles));
    }
    if (filter.public === true) reachable.push("json_extract(permissions, '$.public') = 1");
    if (reachable.length > 0) conditions.push(`(${reachable.join(' OR ')})`);
    if (page.after !== undefined) {
      conditions.push('name > ?');
      params.push(page.after);
    }
    params.push(page.first + 1);
    const rows = this.db.statement<FunctionRow>(`SELECT * FROM functions WHERE ${conditions.join(' AND ')} ORDER BY name LIMIT ?`).all(...params);
    return { items: rows.slice(0, page.first).map(toRecord), hasMore: rows.length > page.first };
  }

  async listScheduled(): Promise<FunctionRecord[]> {
    return this.db.statement<FunctionRow>('SELECT * FROM functions WHERE scheduled = 1 AND deleted_at IS NULL').all().map(toRecord);
  }

  async updateHead(id: string, expectedVersionCount: number, update: FunctionHeadUpdate): Promise<boolean> {
    return this.db.transaction(() => {
      const { changes } = this.db
        .statement(
          `UPDATE functions
              SET latest_version = ?, latest_version_id = ?, version_count = ?, updated_at = ?, description = ?,
                  language = ?, runtime = ?, author = ?, tags = ?, permissions = ?, schedules = ?, scheduled = ?
            WHERE id = ? AND version_count = ? AND deleted_at IS NULL`,
        )
        .run(
          update.latestVersion,
          update.latestVersionId,
          update.versionCount,
          toSqlDate(update.updatedAt),
          update.description,
          update.language,
          update.runtime,
          update.author,
          JSON.stringify(update.tags),
          JSON.stringify(update.permissions),
          JSON.stringify(update.schedules),
          isScheduled(update.schedules),
          id,
          expectedVersionCount,
        );
      if (changes === 0) return false;
      this.db.statement('DELETE FROM function_tags WHERE function_id = ?').run(id);
      this.writeTags(id, update.tags);
      return true;
    });
  }

  async markDeleted(id: string, at: Date): Promise<boolean> {
    const { changes } = this.db
      .statement(`UPDATE functions SET deleted_at = ?, name_key = 'deleted:' || id WHERE id = ? AND deleted_at IS NULL`)
      .run(toSqlDate(at), id);
    return changes > 0;
  }

  async findTombstones(name: string): Promise<NameTombstone[]> {
    return this.db
      .statement<{ owner_id: string | null; latest_version: string; name_released_at: number | null }>(
        'SELECT owner_id, latest_version, name_released_at FROM functions WHERE name = ? AND deleted_at IS NOT NULL',
      )
      .all(name)
      .map((row) => ({ ownerId: row.owner_id, latestVersion: row.latest_version, releasedAt: fromSqlDateOrNull(row.name_released_at) }));
  }

  async releaseName(name: string, at: Date): Promise<number> {
    return this.db
      .statement('UPDATE functions SET name_released_at = ? WHERE name = ? AND deleted_at IS NOT NULL AND name_released_at IS NULL')
      .run(toSqlDate(at), name).changes;
  }

  async remove(id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.statement('DELETE FROM function_tags WHERE function_id = ?').run(id);
      this.db.statement('DELETE FROM functions WHERE id = ?').run(id);
    });
  }

  private writeTags(functionId: string, tags: readonly string[]): void {
    const insert = this.db.statement('INSERT OR IGNORE INTO function_tags (tag, function_id) VALUES (?, ?)');
    for (const tag of tags) insert.run(tag, functionId);
  }
}

function toRow(record: FunctionRecord): FunctionRow {
  return {
    id: record.id,
    name: record.name,
    name_key: record.deletedAt === null ? record.name : `deleted:${record.id}`,
    description: record.description,
    language: record.language,
    runtime: record.runtime,
    owner_id: record.ownerId,
    author: record.author,
    tags: JSON.stringify(record.tags),
    permissions: JSON.stringify(record.permissions),
    schedules: JSON.stringify(record.schedules),
    scheduled: isScheduled(record.schedules),
    latest_version: record.latestVersion,
    latest_version_id: record.latestVersionId,
    version_count: record.versionCount,
    created_at: toSqlDate(record.createdAt),
    updated_at: toSqlDate(record.updatedAt),
    deleted_at: toSqlDateOrNull(record.deletedAt),
  };
}

function toRecord(row: FunctionRow): FunctionRecord {
  const permissions = JSON.parse(row.permissions) as FunctionPermissions;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    language: row.language as Language,
    runtime: row.runtime,
    ownerId: row.owner_id,
    author: row.author,
    tags: JSON.parse(row.tags) as string[],
    permissions: {
      public: permissions.public,
      allowedUsers: permissions.allowedUsers,
      executionRoles: permissions.executionRoles,
    },
    schedules: JSON.parse(row.schedules) as FunctionScheduleRecord[],
    latestVersion: row.latest_version,
    latestVersionId: row.latest_version_id,
    versionCount: row.version_count,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    deletedAt: fromSqlDateOrNull(row.deleted_at),
  };
}

/** 1 when some schedule is enabled: the flag the schedulers' scan uses. */
function isScheduled(schedules: readonly FunctionScheduleRecord[]): number {
  return schedules.some((schedule) => schedule.enabled) ? 1 : 0;
}
