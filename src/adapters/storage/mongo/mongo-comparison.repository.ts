import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
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
import { COMPARISON_MODEL, type MongoComparison } from './comparison.mongo-schema.js';

@Injectable()
export class MongoComparisonRepository extends ComparisonRepository implements OnModuleInit {
  constructor(@InjectModel(COMPARISON_MODEL) private readonly model: Model<MongoComparison>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: ComparisonRecord): Promise<void> {
    await this.model.create(toDocument(record));
  }

  async list(filter: ComparisonFilter, first: number): Promise<ComparisonRecord[]> {
    const documents = await this.model.find(queryOf(filter)).sort({ _id: -1 }).limit(first).lean<MongoComparison[]>().exec();
    return documents.map(toRecord);
  }

  /** Counts, one per outcome and kind: what MongoDB, DocumentDB and FerretDB all answer from the index alike. */
  async summarize(filter: ComparisonFilter): Promise<ComparisonSummary> {
    const query = queryOf(filter);
    const [outcomes, kinds] = await Promise.all([
      Promise.all(COMPARISON_OUTCOMES.map((outcome) => this.model.countDocuments({ ...query, outcome }).exec())),
      Promise.all(DIFFERENCE_KINDS.map((kind) => this.model.countDocuments({ ...query, differences: kind }).exec())),
    ]);
    return {
      byOutcome: Object.fromEntries(COMPARISON_OUTCOMES.map((o, i) => [o, outcomes[i] ?? 0])) as Record<ComparisonOutcome, number>,
      byDifference: Object.fromEntries(DIFFERENCE_KINDS.map((k, i) => [k, kinds[i] ?? 0])) as Record<DifferenceKind, number>,
    };
  }

  async latestDurations(filter: ComparisonFilter, limit: number): Promise<DurationPair[]> {
    const documents = await this.model
      .find({ ...queryOf(filter), primaryDurationMs: { $ne: null }, candidateDurationMs: { $ne: null } }, { primaryDurationMs: 1, candidateDurationMs: 1 })
      .sort({ _id: -1 })
      .limit(limit)
      .lean<Array<Pick<MongoComparison, 'primaryDurationMs' | 'candidateDurationMs'>>>()
      .exec();
    return documents.map((d) => ({ primaryMs: d.primaryDurationMs as number, candidateMs: d.candidateDurationMs as number }));
  }
}

function queryOf(filter: ComparisonFilter): QueryFilter<MongoComparison> {
  const query: QueryFilter<MongoComparison> = { functionId: filter.functionId, alias: filter.alias };
  if (filter.candidateVersion !== undefined) query.candidateVersion = filter.candidateVersion;
  return query;
}

function toDocument(record: ComparisonRecord): MongoComparison {
  return {
    _id: record.id,
    functionId: record.functionId,
    alias: record.alias,
    primaryId: record.primaryId,
    candidateId: record.candidateId,
    primaryVersion: record.primaryVersion,
    candidateVersion: record.candidateVersion,
    outcome: record.outcome,
    differences: [...record.differences],
    detail: JSON.stringify(record.detail),
    primaryDurationMs: record.primaryDurationMs,
    candidateDurationMs: record.candidateDurationMs,
    createdAt: record.createdAt,
  };
}

function toRecord(document: MongoComparison): ComparisonRecord {
  return {
    id: document._id,
    functionId: document.functionId,
    alias: document.alias,
    primaryId: document.primaryId,
    candidateId: document.candidateId ?? null,
    primaryVersion: document.primaryVersion,
    candidateVersion: document.candidateVersion,
    outcome: document.outcome as ComparisonOutcome,
    differences: (document.differences ?? []) as DifferenceKind[],
    detail: JSON.parse(document.detail) as StoredComparisonDetail,
    primaryDurationMs: document.primaryDurationMs ?? null,
    candidateDurationMs: document.candidateDurationMs ?? null,
    createdAt: document.createdAt,
  };
}
