import { Injectable } from '@nestjs/common';
import {
  COMPARISON_OUTCOMES,
  type ComparisonFilter,
  type ComparisonOutcome,
  type ComparisonRecord,
  type ComparisonSummary,
  DIFFERENCE_KINDS,
  type DifferenceKind,
  type StoredComparisonDetail,
} from '@/modules/comparisons/comparison.record.js';
import { ComparisonRepository, type DurationPair } from '@/modules/comparisons/comparison.repository.js';
import { type SqlValue, SqliteDatabase, toSqlDate } from './sqlite-database.js';

interface ComparisonRow {
  id: string;
  function_id: string;
  alias: string;
  primary_id: string;
  candidate_id: string | null;
  primary_version: string;
  candidate_version: string;
  outcome: string;
  differences: string;
  detail: string;
  primary_duration_ms: number | null;
  candidate_duration_ms: number | null;
  created_at: number;
}

const COLUMNS: ReadonlyArray<keyof ComparisonRow> = [
  'id',
  'function_id',
  'alias',
  'primary_id',
  'candidate_id',
  'primary_version',
  'candidate_version',
  'outcome',
  'differences',
  'detail',
  'primary_duration_ms',
  'candidate_duration_ms',
  'created_at',
];

@Injectable()
export class SqliteComparisonRepository extends ComparisonRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: ComparisonRecord): Promise<void> {
    const row = toRow(record);
    this.db.statement(`INSERT INTO comparisons (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`).run(...COLUMNS.map((c) => row[c]));
  }

  async list(filter: ComparisonFilter, first: number): Promise<ComparisonRecord[]> {
    const { where, params } = whereOf(filter);
    return this.db
      .statement<ComparisonRow>(`SELECT * FROM comparisons WHERE ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, first)
      .map(toRecord);
  }

  async summarize(filter: ComparisonFilter): Promise<ComparisonSummary> {
    const { where, params } = whereOf(filter);
    const summary = emptySummary();
    const outcomes = this.db
      .statement<{ outcome: string; n: number }>(`SELECT outcome, COUNT(*) AS n FROM comparisons WHERE ${where} GROUP BY outcome`)
      .all(...params);
    for (const { outcome, n } of outcomes) if (outcome in summary.byOutcome) summary.byOutcome[outcome as ComparisonOutcome] = n;
    const kinds = this.db
      .statement<{ kind: string; n: number }>(
        `SELECT d.value AS kind, COUNT(*) AS n FROM comparisons, json_each(comparisons.differences) AS d WHERE ${where} GROUP BY d.value`,
      )
      .all(...params);
    for (const { kind, n } of kinds) if (kind in summary.byDifference) summary.byDifference[kind as DifferenceKind] = n;
    return summary;
  }

  async latestDurations(filter: ComparisonFilter, limit: number): Promise<DurationPair[]> {
    const { where, params } = whereOf(filter);
    return this.db
      .statement<DurationPair>(
        `SELECT primary_duration_ms AS primaryMs, candidate_duration_ms AS candidateMs FROM comparisons
          WHERE ${where} AND primary_duration_ms IS NOT NULL AND candidate_duration_ms IS NOT NULL ORDER BY id DESC LIMIT ?`,
      )
      .all(...params, limit);
  }
}

/** Every query is per (function, alias): the index's prefix. */
function whereOf(filter: ComparisonFilter): { where: string; params: SqlValue[] } {
  if (filter.candidateVersion === undefined) return { where: 'function_id = ? AND alias = ?', params: [filter.functionId, filter.alias] };
  return { where: 'function_id = ? AND alias = ? AND candidate_version = ?', params: [filter.functionId, filter.alias, filter.candidateVersion] };
}

export function emptySummary(): ComparisonSummary {
  return {
    byOutcome: Object.fromEntries(COMPARISON_OUTCOMES.map((o) => [o, 0])) as Record<ComparisonOutcome, number>,
    byDifference: Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>,
  };
}

function toRow(record: ComparisonRecord): ComparisonRow {
  return {
    id: record.id,
    function_id: record.functionId,
    alias: record.alias,
    primary_id: record.primaryId,
    candidate_id: record.candidateId,
    primary_version: record.primaryVersion,
    candidate_version: record.candidateVersion,
    outcome: record.outcome,
    differences: JSON.stringify(record.differences),
    detail: JSON.stringify(record.detail),
    primary_duration_ms: record.primaryDurationMs,
    candidate_duration_ms: record.candidateDurationMs,
    created_at: toSqlDate(record.createdAt),
  };
}

function toRecord(row: ComparisonRow): ComparisonRecord {
  return {
    id: row.id,
    functionId: row.function_id,
    alias: row.alias,
    primaryId: row.primary_id,
    candidateId: row.candidate_id,
    primaryVersion: row.primary_version,
    candidateVersion: row.candidate_version,
    outcome: row.outcome as ComparisonOutcome,
    differences: JSON.parse(row.differences) as DifferenceKind[],
    detail: JSON.parse(row.detail) as StoredComparisonDetail,
    primaryDurationMs: row.primary_duration_ms,
    candidateDurationMs: row.candidate_duration_ms,
    createdAt: new Date(row.created_at),
  };
}
