import type { InvocationRecord, LogLineRecord } from '@/modules/invocations/invocation.record.js';
import type { InvocationStatusEnum, InvocationTriggerEnum, LogStreamEnum } from './invocation-enums.js';
import type { InvocationModel } from './invocation.model.js';
import type { LogLineModel } from './log-line.model.js';

export function toLogLineModel(invocationId: string, line: LogLineRecord, droppedBefore = 0): LogLineModel {
  return { invocationId, seq: line.seq, timestamp: line.timestamp, stream: line.stream as LogStreamEnum, message: line.message, droppedBefore };
}

/** `withLogs: false` for records that travelled without their lines (status events). */
export function toInvocationModel(record: InvocationRecord, withLogs = true): InvocationModel {
  return {
    id: record.id,
    functionId: record.functionId,
    functionName: record.functionName,
    versionId: record.versionId,
    version: record.version,
    alias: record.alias,
    trigger: record.trigger as InvocationTriggerEnum,
    callerId: record.callerId,
    status: record.status as InvocationStatusEnum,
    request: { ...record.request, truncated: record.requestTruncated },
    response: record.response,
    responseTruncated: record.responseTruncated,
    error: record.error,
    coldStart: record.coldStart,
    durationMs: record.durationMs,
    initDurationMs: record.initDurationMs,
    memoryPeakBytes: record.memoryPeakBytes,
    cpuTimeMs: record.cpuTimeMs,
    queuedAt: record.queuedAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    traceId: record.traceId,
    logs: withLogs ? record.logs.map((line) => toLogLineModel(record.id, line)) : null,
    logsTruncated: record.logsTruncated,
    nodeId: record.nodeId,
    attempt: record.attempt,
    queued: record.queued,
    comparedWith: record.comparedWith,
    contractViolations: record.contractViolations ?? [],
  };
}
