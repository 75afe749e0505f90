import type { InvocationErrorRecord, InvocationEvent, LogStream } from '@/modules/executor/execution.types.js';

export const INVOCATION_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED'] as const;
export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

/**
 * `ASYNC`, `SCHEDULE` and `DESTINATION` invocations run from the job queue; the others while their caller waits.
 * `SHADOW` (a copy of an alias's call on its shadow version) and `REPLAY` (a recorded request run again) are the
 * platform's comparisons: their `comparedWith` names the invocation they are compared with.
 */
export const INVOCATION_TRIGGERS = ['GRAPHQL', 'HTTP', 'ASYNC', 'SCHEDULE', 'DESTINATION', 'SHADOW', 'REPLAY'] as const;
export type InvocationTrigger = (typeof INVOCATION_TRIGGERS)[number];

export const FINAL_STATUSES: ReadonlySet<InvocationStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED']);
export const UNFINISHED_STATUSES: readonly InvocationStatus[] = ['QUEUED', 'RUNNING'];
/** Calls that ran to an end: what error rates and latency percentiles are computed over (REJECTED and DEAD_LETTERED never ran). */
export const RAN_STATUSES: readonly InvocationStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED'];
/** Of the calls that ran, those that count as errors. */
export const ERROR_STATUSES: readonly InvocationStatus[] = ['FAILED', 'TIMED_OUT', 'OOM_KILLED'];

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
  /** The alias that chose `version` (`/fn/<name>@<alias>`, the `default` alias, `invokeFunction(alias:)`); null: called by version or latest. */
  alias: string | null;
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
  /** SHADOW and REPLAY invocations: the id of the invocation whose request they ran again; null otherwise. */
  comparedWith: string | null;
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

/** One alias's calls to one version of a function that finished in [since, until). */
export interface VersionWindow {
  functionId: string;
  alias: string;
  version: string;
  since: Date;
  until: Date;
}

/** What the records of one version say over a time window (see `InvocationRepository.versionWindowStats`). */
export interface InvocationWindowStats {
  /** Calls that ran (`RAN_STATUSES`). */
  count: number;
  /** Of those, errors (`ERROR_STATUSES`). */
  errors: number;
  /**
   * The 99th percentile (nearest rank) of the durations of those that ran warm; null when
   * none did. Cold starts are left out: a version new to traffic starts more sandboxes than
   * one that has served for a while, and at canary volumes its few cold starts would be its p99.
   */
  p99DurationMs: number | null;
}

/** The nearest-rank index (0-based) of the 99th percentile among `count` sorted values. */
export function p99Index(count: number): number {
  return Math.max(0, Math.ceil(0.99 * count) - 1);
}
