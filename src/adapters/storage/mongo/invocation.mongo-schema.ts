import { Schema } from 'mongoose';
import type { LogStream } from '@/modules/executor/execution.types.js';
import { INVOCATION_STATUSES, INVOCATION_TRIGGERS } from '@/modules/invocations/invocation.record.js';

export const INVOCATION_MODEL = 'Invocation';

export interface ErrorSubdocument {
  type: string;
  message: string;
  stack?: string | null;
}

export interface LogLineSubdocument {
  seq: number;
  timestamp: Date;
  stream: LogStream;
  message: string;
}

/**
 * An invocation as stored in the `invocations` collection. `_id` is the record id
 * (UUIDv7, so sorting by `_id` is sorting by age).
 *
 * `request` and `response` are JSON text: header names, query keys and function results
 * are user data whose keys may contain '.' or start with '$', and results may nest
 * arrays, all of which FerretDB (and older MongoDB) refuse in documents.
 */
export interface MongoInvocation {
  _id: string;
  functionId: string;
  functionName: string;
  versionId: string;
  version: string;
  /** Absent in documents stored before aliases existed. */
  alias?: string | null;
  trigger: string;
  callerId: string | null;
  status: string;
  request: string;
  requestTruncated: boolean;
  response: string | null;
  responseTruncated: boolean;
  error: ErrorSubdocument | null;
  coldStart: boolean | null;
  durationMs: number | null;
  initDurationMs: number | null;
  memoryPeakBytes: number | null;
  cpuTimeMs: number | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  traceId: string | null;
  logs: LogLineSubdocument[];
  logsTruncated: boolean;
  nodeId: string | null;
  attempt: number;
  queued: boolean;
  comparedWith?: string | null;
  /** Absent in documents written before contracts existed: none. */
  contractViolations?: string[];
  payloadPurged?: boolean;
}

const ErrorSchema = new Schema<ErrorSubdocument>(
  {
    // `type` must be spelled as an option object: a bare `type: String` would declare the subdocument's type.
    type: { type: String, required: true },
    message: { type: String, default: '' },
    stack: { type: String },
  },
  { _id: false },
);

const LogLineSchema = new Schema<LogLineSubdocument>(
  {
    seq: { type: Number, required: true },
    timestamp: { type: Date, required: true },
    stream: { type: String, required: true },
    message: { type: String, default: '' },
  },
  { _id: false },
);

export const InvocationSchema = new Schema<MongoInvocation>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    functionName: { type: String, required: true },
    versionId: { type: String, required: true },
    version: { type: String, required: true },
    alias: { type: String, default: null },
    trigger: { type: String, required: true, enum: INVOCATION_TRIGGERS },
    callerId: { type: String, default: null },
    status: { type: String, required: true, enum: INVOCATION_STATUSES },
    request: { type: String, required: true },
    requestTruncated: { type: Boolean, default: false },
    response: { type: String, default: null },
    responseTruncated: { type: Boolean, default: false },
    error: { type: ErrorSchema, default: null },
    coldStart: { type: Boolean, default: null },
    durationMs: { type: Number, default: null },
    initDurationMs: { type: Number, default: null },
    memoryPeakBytes: { type: Number, default: null },
    cpuTimeMs: { type: Number, default: null },
    queuedAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    traceId: { type: String, default: null },
    logs: { type: [LogLineSchema], default: [] },
    logsTruncated: { type: Boolean, default: false },
    nodeId: { type: String, default: null },
    attempt: { type: Number, default: 1 },
    queued: { type: Boolean, default: false },
    comparedWith: { type: String, default: null },
    contractViolations: { type: [String], default: [] },
    // Retention emptied its request, response and logs (absent in older documents: false).
    payloadPurged: { type: Boolean, default: false },
  },
  { collection: 'invocations', versionKey: false, minimize: false, timestamps: false },
);

// Newest first, per function and per function + status (ids are time-ordered).
InvocationSchema.index({ functionId: 1, _id: -1 });
InvocationSchema.index({ functionId: 1, status: 1, _id: -1 });
InvocationSchema.index({ status: 1, _id: -1 });
InvocationSchema.index({ callerId: 1, _id: -1 });
// From a trace (e.g. found in Jaeger) to its invocation.
InvocationSchema.index({ traceId: 1 });
// The sweeper's search for unfinished work of dead nodes.
InvocationSchema.index({ status: 1, nodeId: 1, startedAt: 1 });
// Retention's search for finished records that still keep their payloads.
InvocationSchema.index({ finishedAt: 1 });
// A canary's step window: one alias's calls to one version finished within a time range.
InvocationSchema.index({ functionId: 1, alias: 1, version: 1, finishedAt: 1 });
