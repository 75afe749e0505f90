import type { InvocationErrorRecord } from '@/modules/executor/execution.types.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';

/** An invocation as `GET /invocations/:id` shows it (the GraphQL `Invocation` has more, e.g. logs and the function). */
export interface InvocationResponse {
  id: string;
  functionId: string;
  functionName: string;
  version: string;
  /** The alias that chose the version; null when called by version or latest. */
  alias: string | null;
  trigger: string;
  status: string;
  attempt: number;
  response: unknown;
  responseTruncated: boolean;
  error: InvocationErrorRecord | null;
  durationMs: number | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  traceId: string | null;
  nodeId: string | null;
  /** SHADOW and REPLAY invocations: the invocation they ran again. */
  comparedWith: string | null;
}

export function toInvocationResponse(record: InvocationRecord): InvocationResponse {
  return {
    id: record.id,
    functionId: record.functionId,
    functionName: record.functionName,
    version: record.version,
    alias: record.alias,
    trigger: record.trigger,
    status: record.status,
    attempt: record.attempt,
    response: record.response,
    responseTruncated: record.responseTruncated,
    error: record.error,
    durationMs: record.durationMs,
    queuedAt: record.queuedAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    traceId: record.traceId,
    nodeId: record.nodeId,
    comparedWith: record.comparedWith,
  };
}
