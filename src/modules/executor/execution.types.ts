import type { EntryPoint } from '@/modules/runtimes/code/entry-point.js';
import type { NetworkConfig } from '@/modules/egress/network-config.js';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';

// The function contract (DESIGN.md): what a sandbox is given and what it answers.

/** The event handed to a function. */
export interface InvocationEvent {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string | string[]>;
  body: string | null;
  isBase64Encoded: boolean;
  /** The caller's address, for the event formats that carry it (Lambda's `sourceIp`); absent on records made before it existed. */
  sourceIp?: string | null;
}

/**
 * How a function's handler is called and how its result is read (`executionConfig.eventFormat`):
 * `native` is the function contract above (plus the Workers/Cloud Functions styles the shim
 * recognises on its own), `web` a handler taking a Web `Request`, `node-http` an Express-style
 * `(req, res)` handler, `aws-apigw-v1`/`-v2` Lambda behind API Gateway (REST / HTTP API and
 * function URLs).
 */
export const EVENT_FORMATS = ['native', 'web', 'node-http', 'aws-apigw-v1', 'aws-apigw-v2'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/** Where a line of a function's output came from. */
export type LogStream = 'stdout' | 'stderr' | 'system';

/** Why a function failed, as its sandbox reports it. */
export interface InvocationErrorRecord {
  type: string;
  message: string;
  stack?: string;
}

/** Everything a sandbox needs to run one function version. Immutable per version. */
export interface ExecutionTarget {
  versionId: string;
  functionId: string;
  functionName: string;
  /** Whom its sandboxes are charged to on a node ('' for functions without an owner). */
  ownerId: string;
  version: string;
  runtime: RuntimeId;
  /** What the shim loads (CommonJS for Node, source for Python; '' when Python imports the entry module from `codeDir`). */
  artifact: string;
  /** The module the shim loads and the export it calls (absent: the shim's default, `index` / `handler.handler`). */
  entry?: EntryPoint;
  /** The entry module's path in the function's folder (`index.js`, `src/app.ts`, `main.py`; absent: the runtime's default). */
  entryFile?: string;
  /** Host directory of an archive version's files (the function's folder, read-only in the sandbox), or null. */
  codeDir?: string | null;
  environment: Record<string, string>;
  /** How the handler is called and its result read. */
  eventFormat: EventFormat;
  /** Host directory of the installed dependencies, or null when there are none. */
  dependenciesDir: string | null;
  /** Outbound network (off unless the version asked for it; then through an egress gateway). */
  network?: NetworkConfig;
  timeoutMs: number;
  memoryLimitMb: number;
  /** Sandboxes kept started on this node even when idle (the function's current version only: 0 for older ones). */
  minInstances: number;
  maxInstances: number;
  /** Invocations one sandbox serves at once (`executionConfig.concurrency`): 1, or more for functions that declare it. */
  concurrency: number;
}

/** The context argument of the function contract (DESIGN.md). */
export interface InvocationContext {
  invocationId: string;
  functionName: string;
  version: string;
  deadlineMs: number;
  traceId: string | null;
  /** W3C trace context of the invocation, for the function's own spans and outgoing calls. */
  traceparent: string | null;
}

export interface ExecutionRequest {
  invocationId: string;
  event: InvocationEvent;
  context: InvocationContext;
  /** Receives the output as it is produced; returns false once it wants no more (log cap). */
  onLog: (stream: LogStream, message: string) => boolean;
  /** Called once a sandbox is assigned, before the event is sent (metrics, tracing). */
  onSandboxAcquired?: (info: { cold: boolean; waitedMs: number }) => void;
  /** Receives a streamed response as it is produced (an HTTP caller); without it the stream is collected into the value. */
  onResponse?: ResponseSink;
}

/** The start of a streamed response: what the function said before its first chunk. */
export interface ResponseHead {
  statusCode: number;
  headers: Record<string, string | string[]>;
}

/** Where a streamed response goes while the function produces it. */
export interface ResponseSink {
  start(head: ResponseHead): void;
  write(chunk: Buffer): void;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'OOM_KILLED';

export interface ExecutionOutcome {
  status: ExecutionStatus;
  /** The function's return value (SUCCEEDED only); for a streamed response, its head and (capped) body as an HTTP result. */
  value?: unknown;
  /** The response was streamed and the value keeps only its first bytes. */
  responseTruncated?: boolean;
  error?: InvocationErrorRecord;
  coldStart: boolean;
  /** Sandbox start + function load, for cold starts. */
  initDurationMs: number | null;
  /** From handing the event to the sandbox until its answer. */
  durationMs: number;
  memoryPeakBytes: number | null;
  cpuTimeMs: number | null;
}
