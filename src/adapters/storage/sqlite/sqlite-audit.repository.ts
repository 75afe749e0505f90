import { Injectable } from '@nestjs/common';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { AuditAction, AuditDetails, AuditFilter, AuditRecord } from '@/modules/audit/audit.record.js';
import { AuditRepository } from '@/modules/audit/audit.repository.js';
import type { PrincipalKind } from '@/kernel/identity/principal.js';
import { type SqlValue, SqliteDatabase, toSqlDate } from './sqlite-database.js';

interface AuditRow {
  id: string;
  at: number;
  actor_id: string | null;
  actor_kind: string;
  credential_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: string;
  ip: string | null;
  user_agent: string | null;
}

@Injectable()
export class SqliteAuditRepository extends AuditRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: AuditRecord): Promise<void> {
    this.db
      .statement(
        `INSERT INTO audit_log (id, at, actor_id, actor_kind, credential_id, action, target_type, target_id, details, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        toSqlDate(record.at),
        record.actorId,
        record.actorKind,
        record.credentialId,
        record.action,
        record.targetType,
        record.targetId,
        JSON.stringify(record.details),
        record.ip,
        record.userAgent,
      );
  }

  async list(filter: AuditFilter, page: PageRequest): Promise<PageResult<AuditRecord>> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    const add = (condition: string, value: SqlValue) => {
      conditions.push(condition);
      params.push(value);
    };
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.actorId !== undefined) add('actor_id = ?', filter.actorId);
    if (filter.targetId !== undefined) add('target_id = ?', filter.targetId);
    if (filter.since !== undefined) add('at >= ?', toSqlDate(filter.since));
    if (filter.until !== undefined) add('at < ?', toSqlDate(filter.until));
    if (page.after !== undefined) add('id < ?', page.after);
    params.push(page.first + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.db.statement<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(...params);
    return { items: rows.slice(0, page.first).map(toRecord), hasMore: rows.length > page.first };
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: new Date(row.at),
    actorId: row.actor_id,
    actorKind: row.actor_kind as PrincipalKind,
    credentialId: row.credential_id,
    action: row.action as AuditAction,
    targetType: row.target_type as AuditRecord['targetType'],
    targetId: row.target_id,
    details: JSON.parse(row.details) as AuditDetails,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}
