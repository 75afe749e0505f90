import type { InvocationErrorRecord, InvocationEvent, LogStream } from '@/modules/executor/execution.types.js';

export const INVOCATION_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED'] as const;
export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

/** `ASYNC`, `SCHEDULE` and `DESTINATION` invocations run from the job queue; the others while their caller waits. */
export const INVOCATION_TRIGGERS = ['GRAPHQL', 'HTTP', 'ASYNC', 'SCHEDULE', 'DESTINATION'] as const;
export type InvocationTrigger = (typeof INVOCATION_TRIGGERS)[number];

export const FINAL_STATUSES: ReadonlySet<InvocationStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED']);
export const UNFINISHED_STATUSES: readonly InvocationStatus[] = ['QUEUED', 'RUNNING'];

export interface LogLineRecord {
  /** 1-based, gap-free per invocation. */
  seq: number;
  timestamp: Date;
  stream: LogStream;
  message: string;
}

export interface InvocationRecord {
  id: string;
  functionId: string;
  functionName: string;
  versionId: string;
  version: string;
  trigger: InvocationTrigger;
  callerId: string | null;
  status: InvocationStatus;
  /** The event, with its body cut to the stored-payload cap (see `requestTruncated`). */
  request: InvocationEvent;
  requestTruncated: boolean;
  /** The function's JSON result; null until it succeeds, or when too large to keep. */
  response: unknown;
  responseTruncated: boolean;
  error: InvocationErrorRecord | null;
  coldStart: boolean | null;
  durationMs: number | null;
  initDurationMs: number | null;
  memoryPeakBytes: number | null;
  cpuTimeMs: number | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  traceId: string | null;
  logs: LogLineRecord[];
  logsTruncated: boolean;
  /** The node running (or that last ran) it, as `AppConfig.nodeId`; null while queued. */
  nodeId: string | null;
  /** 1 for the first run; counts the runs of a queued invocation (retries, redelivery after a lost worker). */
  attempt: number;
  /** Nobody waits for it: it runs from the job queue, on any worker node, retried as its function says. */
  queued: boolean;
  /** How its result broke its version's output schema (`output/url: must be string`), with `outputMode: flag`; empty when it did not. */
  contractViolations: string[];
}

export interface InvocationFilter {
  functionId?: string;
  status?: InvocationStatus;
  /** Only invocations made by this user. */
  callerId?: string;
  /** The invocation(s) of one OpenTelemetry trace (32 lower-case hex digits). */
  traceId?: string;
}
