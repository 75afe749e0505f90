import { Injectable } from '@nestjs/common';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { InvocationErrorRecord, InvocationEvent, LogStream } from '@/modules/executor/execution.types.js';
import {
  type InvocationFilter,
  type InvocationRecord,
  type InvocationStatus,
  type InvocationTrigger,
  type InvocationWindowStats,
  type VersionWindow,
  type LogLineRecord,
  ERROR_STATUSES,
  p99Index,
  RAN_STATUSES,
  UNFINISHED_STATUSES,
} from '@/modules/invocations/invocation.record.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { PURGED_REQUEST } from '@/modules/invocations/invocation-request.js';
import { fromSqlDateOrNull, type SqlValue, SqliteDatabase, toSqlBoolean, toSqlDate, toSqlDateOrNull, toSqlIdList } from './sqlite-database.js';
import { type JournalEntry, SqliteInvocationJournal } from './sqlite-invocation-journal.js';

interface InvocationRow {
  id: string;
  function_id: string;
  function_name: string;
  version_id: string;
  version: string;
  alias: string | null;
  trigger: string;
  caller_id: string | null;
  status: string;
  request: string;
  request_truncated: number;
  response: string | null;
  response_truncated: number;
  error: string | null;
  cold_start: number | null;
  duration_ms: number | null;
  init_duration_ms: number | null;
  memory_peak_bytes: number | null;
  cpu_time_ms: number | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  trace_id: string | null;
  logs: string;
  logs_truncated: number;
  node_id: string | null;
  attempt: number;
  queued: number;
  compared_with: string | null;
  /** JSON list; NULL in rows written before contracts existed. */
  contract_violations: string | null;
}

/** Log lines as stored in the JSON column (dates as epoch ms, like every other date here). */
interface StoredLogLine {
  seq: number;
  timestamp: number;
  stream: LogStream;
  message: string;
}

const COLUMNS: ReadonlyArray<keyof InvocationRow> = [
  'id',
  'function_id',
  'function_name',
  'version_id',
  'version',
  'alias',
  'trigger',
  'caller_id',
  'status',
  'request',
  'request_truncated',
  'response',
  'response_truncated',
  'error',
  'cold_start',
  'duration_ms',
  'init_duration_ms',
  'memory_peak_bytes',
  'cpu_time_ms',
  'queued_at',
  'started_at',
  'finished_at',
  'trace_id',
  'logs',
  'logs_truncated',
  'node_id',
  'attempt',
  'queued',
  'compared_with',
  'contract_violations',
];

const MUTABLE_COLUMNS = COLUMNS.filter((c) => c !== 'id');
const UNFINISHED_SQL = `(${UNFINISHED_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const RAN_SQL = `(${RAN_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const ERROR_SQL = `(${ERROR_STATUSES.map((status) => `'${status}'`).join(', ')})`;
/** The window of one version's finished calls through an alias; served by the (partial) index `invocations_version_finished`. */
const VERSION_WINDOW_SQL = `function_id = ? AND alias = ? AND version = ? AND finished_at >= ? AND finished_at < ? AND status IN ${RAN_SQL}`;
/** A retried batch may meet its own earlier insert: then it is an update, under the same rule as `UPDATE_SQL`. */
const INSERT_SQL = `INSERT INTO invocations (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(id) DO UPDATE SET ${MUTABLE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')} WHERE invocations.status IN ${UNFINISHED_SQL}`;
const SET_SQL = MUTABLE_COLUMNS.map((c) => `${c} = ?`).join(', ');
const UPDATE_SQL = `UPDATE invocations SET ${SET_SQL} WHERE id = ? AND status IN ${UNFINISHED_SQL}`;

/**
 * Batches of records are durable once journaled (`SqliteInvocationJournal`: one transaction,
 * one WAL commit for the whole batch); every read and conditional write applies the journal
 * to `invocations` first, so each sees every record written before it.
 */
@Injectable()
export class SqliteInvocationRepository extends InvocationRepository {
  private readonly journal: SqliteInvocationJournal;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.journal = new SqliteInvocationJournal(db, (entry) => this.db.statement(entry.kind === 'insert' ? INSERT_SQL : UPDATE_SQL).run(...entry.values));
  }

  async insertAll(records: readonly InvocationRecord[]): Promise<void> {
    this.journal.append(records.map((record) => ({ kind: 'insert', values: insertValues(toRow(record)) })));
  }

  async updateAll(records: readonly InvocationRecord[]): Promise<void> {
    this.journal.append(records.map((record) => ({ kind: 'update', values: updateValues(toRow(record)) })));
  }

  async transition(record: InvocationRecord, from: readonly InvocationStatus[]): Promise<boolean> {
    this.journal.apply();
    const row = toRow(record);
    const sql = `UPDATE invocations SET ${SET_SQL} WHERE id = ? AND status IN (SELECT value FROM json_each(?))`;
    return this.db.statement(sql).run(...MUTABLE_COLUMNS.map((column) => row[column]), row.id, JSON.stringify(from)).changes === 1;
  }

  async purgePayloads(finishedBefore: Date, limit: number): Promise<number> {
    this.journal.apply();
    const sql = `UPDATE invocations
        SET request = ?, response = NULL, logs = '[]', error = CASE WHEN error IS NULL THEN NULL ELSE json_remove(error, '$.stack') END, payload_purged = 1
      WHERE id IN (SELECT id FROM invocations WHERE payload_purged = 0 AND finished_at IS NOT NULL AND finished_at < ? LIMIT ?)`;
    return this.db.statement(sql).run(JSON.stringify(PURGED_REQUEST), toSqlDate(finishedBefore), limit).changes;
  }

  async probeWrite(): Promise<void> {
    this.db.statement('INSERT INTO write_probe (id, written_at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET written_at = excluded.written_at').run(Date.now());
  }

  async findOrphaned(liveNodeIds: readonly string[], startedBefore: Date, limit: number): Promise<InvocationRecord[]> {
    this.journal.apply();
    const sql = `SELECT * FROM invocations
      WHERE status = 'RUNNING' AND queued = 0 AND node_id IS NOT NULL AND node_id NOT IN (SELECT value FROM json_each(?)) AND started_at < ?
      ORDER BY started_at LIMIT ?`;
    return this.db.statement<InvocationRow>(sql).all(toSqlIdList(liveNodeIds), toSqlDate(startedBefore), limit).map(toRecord);
  }

  async findById(id: string): Promise<InvocationRecord | null> {
    return (await this.findByIds([id]))[0] ?? null;
  }

  /** While storage refuses to apply the journal (a full disk), a record is still found by its id: from the journal. */
  async findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    if (ids.length === 0) return [];
    const applied = this.journal.tryApply();
    const rows = this.db.statement<InvocationRow>('SELECT * FROM invocations WHERE id IN (SELECT value FROM json_each(?))').all(toSqlIdList(ids));
    return (applied ? rows : withUnapplied(rows, this.journal.unapplied(), new Set(ids))).map(toRecord);
  }

  /** Listings and statistics read the table: while the journal cannot be applied, they miss its records. */
  async list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    this.journal.tryApply();
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (filter.functionId !== undefined) {
      conditions.push('function_id = ?');
      params.push(filter.functionId);
    }
    if (filter.status !== undefined) {
      // invocations_function_status has no SUCCEEDED rows: said outright, so the planner may use it; a
      // function's SUCCEEDED calls walk invocations_function (`+` keeps the planner off invocations_status).
      const succeeded = filter.status === 'SUCCEEDED';
      conditions.push(succeeded && filter.functionId !== undefined ? '+status = ?' : 'status = ?');
      params.push(filter.status);
      if (!succeeded) conditions.push("status <> 'SUCCEEDED'");
    }
    if (filter.callerId !== undefined) {
      conditions.push('caller_id = ?');
      params.push(filter.callerId);
    }
    if (filter.traceId !== undefined) {
      conditions.push('trace_id = ?');
      params.push(filter.traceId);
    }
    if (page.after !== undefined) {
      conditions.push('id < ?');
      params.push(page.after);
    }
    params.push(page.first + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.db.statement<InvocationRow>(`SELECT * FROM invocations ${where} ORDER BY id DESC LIMIT ?`).all(...params);
    return { items: rows.slice(0, page.first).map(toRecord), hasMore: rows.length > page.first };
  }

  async versionWindowStats({ functionId, alias, version, since, until }: VersionWindow): Promise<InvocationWindowStats> {
    this.journal.tryApply();
    const params = [functionId, alias, version, toSqlDate(since), toSqlDate(until)];
    const totals = this.db
      .statement<{ count: number; errors: number; timed: number }>(
        `SELECT COUNT(*) AS count, COALESCE(SUM(status IN ${ERROR_SQL}), 0) AS errors,
           COALESCE(SUM(duration_ms IS NOT NULL AND cold_start IS NOT 1), 0) AS timed FROM invocations WHERE ${VERSION_WINDOW_SQL}`,
      )
      .get(...params)!;
    let p99DurationMs: number | null = null;
    if (totals.timed > 0) {
      const row = this.db
        .statement<{ duration_ms: number }>(
          `SELECT duration_ms FROM invocations WHERE ${VERSION_WINDOW_SQL} AND duration_ms IS NOT NULL AND cold_start IS NOT 1 ORDER BY duration_ms LIMIT 1 OFFSET ?`,
        )
        .get(...params, p99Index(totals.timed));
      p99DurationMs = row?.duration_ms ?? null;
    }
    return { count: totals.count, errors: totals.errors, p99DurationMs };
  }

  async latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]> {
    if (functionIds.length === 0) return [];
    this.journal.tryApply();
    // One indexed probe of (function_id, id DESC) per function instead of a GROUP BY over all its invocations.
    return this.db
      .statement<InvocationRow>(
        `SELECT i.* FROM json_each(?) AS f
           JOIN invocations AS i
             ON i.id = (SELECT id FROM invocations WHERE function_id = f.value ORDER BY id DESC LIMIT 1)`,
      )
      .all(toSqlIdList(functionIds))
      .map(toRecord);
  }
}

function insertValues(row: InvocationRow): SqlValue[] {
  return COLUMNS.map((column) => row[column]);
}

function updateValues(row: InvocationRow): SqlValue[] {
  return [...MUTABLE_COLUMNS.map((column) => row[column]), row.id];
}

/**
 * Rows with the journal's entries laid over them as applying them would (`INSERT_SQL`,
 * `UPDATE_SQL`: a record that reached a final state is never changed again), for `ids`.
 */
function withUnapplied(rows: readonly InvocationRow[], entries: readonly JournalEntry[], ids: ReadonlySet<string>): InvocationRow[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const unfinished = (row: InvocationRow | undefined) => row !== undefined && (UNFINISHED_STATUSES as readonly string[]).includes(row.status);
  for (const entry of entries) {
    const row = Object.fromEntries(
      (entry.kind === 'insert' ? COLUMNS : [...MUTABLE_COLUMNS, 'id']).map((column, i) => [column, entry.values[i]]),
    ) as unknown as InvocationRow;
    if (!ids.has(row.id)) continue;
    const existing = byId.get(row.id);
    if (entry.kind === 'insert' ? existing === undefined || unfinished(existing) : unfinished(existing)) byId.set(row.id, row);
  }
  return [...byId.values()];
}

function encodeResponse(value: unknown): string | null {
  return value === null ? null : (JSON.stringify(value) ?? null);
}

function encodeError(value: InvocationErrorRecord | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

function encodeLogs(logs: LogLineRecord[]): string {
  const stored: StoredLogLine[] = logs.map((line) => ({
    seq: line.seq,
    timestamp: line.timestamp.getTime(),
    stream: line.stream,
    message: line.message,
  }));
  return JSON.stringify(stored);
}

function decodeLogs(json: string): LogLineRecord[] {
  return (JSON.parse(json) as StoredLogLine[]).map((line) => ({
    seq: line.seq,
    timestamp: new Date(line.timestamp),
    stream: line.stream,
    message: line.message,
  }));
}

function decodeError(json: string | null): InvocationErrorRecord | null {
  if (json === null) return null;
  const stored = JSON.parse(json) as InvocationErrorRecord;
  const error: InvocationErrorRecord = { type: stored.type, message: stored.message };
  if (stored.stack !== undefined) error.stack = stored.stack;
  return error;
}

function fromSqlBooleanOrNull(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

function toRow(record: InvocationRecord): InvocationRow {
  return {
    id: record.id,
    function_id: record.functionId,
    function_name: record.functionName,
    version_id: record.versionId,
    version: record.version,
    alias: record.alias,
    trigger: record.trigger,
    caller_id: record.callerId,
    status: record.status,
    request: JSON.stringify(record.request),
    request_truncated: toSqlBoolean(record.requestTruncated),
    response: encodeResponse(record.response),
    response_truncated: toSqlBoolean(record.responseTruncated),
    error: encodeError(record.error),
    cold_start: record.coldStart === null ? null : toSqlBoolean(record.coldStart),
    duration_ms: record.durationMs,
    init_duration_ms: record.initDurationMs,
    memory_peak_bytes: record.memoryPeakBytes,
    cpu_time_ms: record.cpuTimeMs,
    queued_at: toSqlDate(record.queuedAt),
    started_at: toSqlDateOrNull(record.startedAt),
    finished_at: toSqlDateOrNull(record.finishedAt),
    trace_id: record.traceId,
    logs: encodeLogs(record.logs),
    logs_truncated: toSqlBoolean(record.logsTruncated),
    node_id: record.nodeId,
    attempt: record.attempt,
    queued: toSqlBoolean(record.queued),
    compared_with: record.comparedWith,
    contract_violations: record.contractViolations.length === 0 ? null : JSON.stringify(record.contractViolations),
  };
}

function toRecord(row: InvocationRow): InvocationRecord {
  return {
    id: row.id,
    functionId: row.function_id,
    functionName: row.function_name,
    versionId: row.version_id,
    version: row.version,
    alias: row.alias ?? null,
    trigger: row.trigger as InvocationTrigger,
    callerId: row.caller_id,
    status: row.status as InvocationStatus,
    request: JSON.parse(row.request) as InvocationEvent,
    requestTruncated: row.request_truncated !== 0,
    response: row.response === null ? null : (JSON.parse(row.response) as unknown),
    responseTruncated: row.response_truncated !== 0,
    error: decodeError(row.error),
    coldStart: fromSqlBooleanOrNull(row.cold_start),
    durationMs: row.duration_ms,
    initDurationMs: row.init_duration_ms,
    memoryPeakBytes: row.memory_peak_bytes,
    cpuTimeMs: row.cpu_time_ms,
    queuedAt: new Date(row.queued_at),
    startedAt: fromSqlDateOrNull(row.started_at),
    finishedAt: fromSqlDateOrNull(row.finished_at),
    traceId: row.trace_id,
    logs: decodeLogs(row.logs),
    logsTruncated: row.logs_truncated !== 0,
    nodeId: row.node_id,
    attempt: row.attempt,
    queued: row.queued !== 0,
    comparedWith: row.compared_with,
    contractViolations: row.contract_violations === null || row.contract_violations === undefined ? [] : (JSON.parse(row.contract_violations) as string[]),
  };
}
