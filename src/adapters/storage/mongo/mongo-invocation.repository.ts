import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { InvocationErrorRecord, InvocationEvent } from '@/modules/executor/execution.types.js';
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
import { isDuplicateKeyError } from './mongo.utils.js';
import { type ErrorSubdocument, INVOCATION_MODEL, type MongoInvocation, type LogLineSubdocument } from './invocation.mongo-schema.js';

@Injectable()
export class MongoInvocationRepository extends InvocationRepository implements OnModuleInit {
  constructor(@InjectModel(INVOCATION_MODEL) private readonly model: Model<MongoInvocation>) {
    super();
  }

  /** Start-up waits for the indexes: listing by function would scan the collection without them. */
  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insertAll(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      // One round trip; unordered, so one bad record does not hold back the others.
      await this.model.bulkWrite(
        records.map((record) => ({ insertOne: { document: toDocument(record) } })),
        { ordered: false },
      );
    } catch (error) {
      // A retried batch whose first attempt got through in part: those ids are updates now.
      const duplicates = duplicateKeyIndexes(error);
      if (duplicates === null) throw error;
      await this.updateAll(duplicates.map((index) => records[index] as InvocationRecord));
    }
  }

  async updateAll(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.model.bulkWrite(
      records.map((record) => ({
        updateOne: { filter: { _id: record.id, status: { $in: [...UNFINISHED_STATUSES] } }, update: { $set: mutableFields(record) } },
      })),
      { ordered: false },
    );
  }

  async transition(record: InvocationRecord, from: readonly InvocationStatus[]): Promise<boolean> {
    const result = await this.model.updateOne({ _id: record.id, status: { $in: [...from] } }, { $set: mutableFields(record) }).exec();
    return result.modifiedCount === 1;
  }

  async purgePayloads(finishedBefore: Date, limit: number): Promise<number> {
    const due = await this.model
      .find({ finishedAt: { $ne: null, $lt: finishedBefore }, payloadPurged: { $ne: true } }, { _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>()
      .exec();
    if (due.length === 0) return 0;
    const result = await this.model
      .updateMany(
        { _id: { $in: due.map((d) => d._id) } },
        { $set: { request: JSON.stringify(PURGED_REQUEST), response: null, logs: [], payloadPurged: true }, $unset: { 'error.stack': '' } },
      )
      .exec();
    return result.modifiedCount;
  }

  async probeWrite(): Promise<void> {
    await this.model.db.collection('write_probe').updateOne({ _id: 'probe' as never }, { $set: { writtenAt: new Date() } }, { upsert: true });
  }

  async findOrphaned(liveNodeIds: readonly string[], startedBefore: Date, limit: number): Promise<InvocationRecord[]> {
    const documents = await this.model
      .find({ status: 'RUNNING', queued: { $ne: true }, nodeId: { $ne: null, $nin: [...liveNodeIds] }, startedAt: { $lt: startedBefore } })
      .sort({ startedAt: 1 })
      .limit(limit)
      .lean<MongoInvocation[]>()
      .exec();
    return documents.map(toRecord);
  }

  async findById(id: string): Promise<InvocationRecord | null> {
    const document = await this.model.findOne({ _id: id }).lean<MongoInvocation>().exec();
    return document ? toRecord(document) : null;
  }

  async findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    if (ids.length === 0) return [];
    const documents = await this.model
      .find({ _id: { $in: [...new Set(ids)] } })
      .lean<MongoInvocation[]>()
      .exec();
    return documents.map(toRecord);
  }

  async list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    const query: QueryFilter<MongoInvocation> = {};
    if (filter.functionId !== undefined) query.functionId = filter.functionId;
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.callerId !== undefined) query.callerId = filter.callerId;
    if (filter.traceId !== undefined) query.traceId = filter.traceId;
    if (page.after !== undefined) query._id = { $lt: page.after };
    const documents = await this.model
      .find(query)
      .sort({ _id: -1 })
      .limit(page.first + 1)
      .lean<MongoInvocation[]>()
      .exec();
    return { items: documents.slice(0, page.first).map(toRecord), hasMore: documents.length > page.first };
  }

  async versionWindowStats({ functionId, alias, version, since, until }: VersionWindow): Promise<InvocationWindowStats> {
    // Counts and one sorted probe rather than an aggregation pipeline: FerretDB 1.24 lacks
    // the percentile and most `$group` accumulators. All served by {functionId, alias, version, finishedAt}.
    const window: QueryFilter<MongoInvocation> = { functionId, alias, version, finishedAt: { $gte: since, $lt: until }, status: { $in: [...RAN_STATUSES] } };
    const timedWindow: QueryFilter<MongoInvocation> = { ...window, durationMs: { $ne: null }, coldStart: { $ne: true } };
    const [count, errors, timed] = await Promise.all([
      this.model.countDocuments(window).exec(),
      this.model.countDocuments({ ...window, status: { $in: [...ERROR_STATUSES] } }).exec(),
      this.model.countDocuments(timedWindow).exec(),
    ]);
    if (timed === 0) return { count, errors, p99DurationMs: null };
    const [at] = await this.model
      .find(timedWindow, { durationMs: 1 })
      .sort({ durationMs: 1 })
      .skip(p99Index(timed))
      .limit(1)
      .lean<Array<Pick<MongoInvocation, 'durationMs'>>>()
      .exec();
    return { count, errors, p99DurationMs: at?.durationMs ?? null };
  }

  async latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]> {
    // One indexed probe of {functionId, _id: -1} per function, in parallel: FerretDB 1.24
    // implements neither `$first` nor `$max`/`$last` in `$group`, so the one-pipeline
    // form would not run there.
    const latest = await Promise.all(
      [...new Set(functionIds)].map((functionId) => this.model.findOne({ functionId }).sort({ _id: -1 }).lean<MongoInvocation>().exec()),
    );
    return latest.filter((document) => document !== null).map(toRecord);
  }
}

function toErrorSubdocument(error: InvocationErrorRecord | null): ErrorSubdocument | null {
  if (error === null) return null;
  const subdocument: ErrorSubdocument = { type: error.type, message: error.message };
  if (error.stack !== undefined) subdocument.stack = error.stack;
  return subdocument;
}

function toErrorRecord(subdocument: ErrorSubdocument | null | undefined): InvocationErrorRecord | null {
  if (!subdocument) return null;
  const error: InvocationErrorRecord = { type: subdocument.type, message: subdocument.message ?? '' };
  if (typeof subdocument.stack === 'string') error.stack = subdocument.stack;
  return error;
}

function toLogSubdocuments(logs: readonly LogLineRecord[]): LogLineSubdocument[] {
  return logs.map((line) => ({ seq: line.seq, timestamp: line.timestamp, stream: line.stream, message: line.message }));
}

function toLogRecords(logs: readonly LogLineSubdocument[] | undefined): LogLineRecord[] {
  return (logs ?? []).map((line) => ({ seq: line.seq, timestamp: line.timestamp, stream: line.stream, message: line.message ?? '' }));
}

function encodeResponse(response: unknown): string | null {
  return response === null ? null : (JSON.stringify(response) ?? null);
}

function decodeResponse(stored: string | null | undefined): unknown {
  return stored === null || stored === undefined ? null : (JSON.parse(stored) as unknown);
}

function toDocument(record: InvocationRecord): MongoInvocation {
  return {
    _id: record.id,
    functionId: record.functionId,
    functionName: record.functionName,
    versionId: record.versionId,
    version: record.version,
    alias: record.alias,
    trigger: record.trigger,
    callerId: record.callerId,
    status: record.status,
    request: JSON.stringify(record.request),
    requestTruncated: record.requestTruncated,
    response: encodeResponse(record.response),
    responseTruncated: record.responseTruncated,
    error: toErrorSubdocument(record.error),
    coldStart: record.coldStart,
    durationMs: record.durationMs,
    initDurationMs: record.initDurationMs,
    memoryPeakBytes: record.memoryPeakBytes,
    cpuTimeMs: record.cpuTimeMs,
    queuedAt: record.queuedAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    traceId: record.traceId,
    logs: toLogSubdocuments(record.logs),
    logsTruncated: record.logsTruncated,
    nodeId: record.nodeId,
    attempt: record.attempt,
    queued: record.queued,
    comparedWith: record.comparedWith,
    contractViolations: [...record.contractViolations],
  };
}

function toRecord(document: MongoInvocation): InvocationRecord {
  return {
    id: document._id,
    functionId: document.functionId,
    functionName: document.functionName,
    versionId: document.versionId,
    version: document.version,
    alias: document.alias ?? null,
    trigger: document.trigger as InvocationTrigger,
    callerId: document.callerId ?? null,
    status: document.status as InvocationStatus,
    request: JSON.parse(document.request) as InvocationEvent,
    requestTruncated: document.requestTruncated ?? false,
    response: decodeResponse(document.response),
    responseTruncated: document.responseTruncated ?? false,
    error: toErrorRecord(document.error),
    coldStart: document.coldStart ?? null,
    durationMs: document.durationMs ?? null,
    initDurationMs: document.initDurationMs ?? null,
    memoryPeakBytes: document.memoryPeakBytes ?? null,
    cpuTimeMs: document.cpuTimeMs ?? null,
    queuedAt: document.queuedAt,
    startedAt: document.startedAt ?? null,
    finishedAt: document.finishedAt ?? null,
    traceId: document.traceId ?? null,
    logs: toLogRecords(document.logs),
    logsTruncated: document.logsTruncated ?? false,
    nodeId: document.nodeId ?? null,
    attempt: document.attempt ?? 1,
    queued: document.queued ?? document.trigger === 'ASYNC',
    comparedWith: document.comparedWith ?? null,
    contractViolations: document.contractViolations ?? [],
  };
}

function mutableFields(record: InvocationRecord): Omit<MongoInvocation, '_id'> {
  const { _id, ...fields } = toDocument(record);
  return fields;
}

/** The positions of a failed bulk write's duplicate-key errors, or null when it failed for anything else. */
function duplicateKeyIndexes(error: unknown): number[] | null {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as Array<{ code?: number; index?: number }>;
  if (list.length === 0 || list.some((entry) => !isDuplicateKeyError(entry) || typeof entry.index !== 'number')) return null;
  return list.map((entry) => entry.index as number);
}
