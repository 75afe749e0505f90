import { eventChannelFamily } from '@/kernel/events/event-channel.js';
import type { LogStream } from '@/modules/executor/execution.types.js';
import { FINAL_STATUSES, type InvocationRecord } from './invocation.record.js';

/** A log line as it travels between nodes (timestamps as epoch milliseconds). */
export interface LogLineEvent {
  kind: 'line';
  invocationId: string;
  seq: number;
  timestamp: number;
  stream: LogStream;
  message: string;
}

/** Published once the invocation's lines are all stored: nothing follows it. */
export interface LogEndEvent {
  kind: 'end';
  invocationId: string;
  /** The seq of the last line (0 without lines): a subscriber missing some knows to wait for them. */
  lastSeq: number;
}

export type LogEvent = LogLineEvent | LogEndEvent;

/**
 * A status transition, carrying the invocation as it now is (without its log lines, which
 * travel on the logs channels) so subscribers on any node need no storage read.
 */
export interface InvocationUpdatedEvent {
  invocation: SerializedInvocation;
}

/** `InvocationRecord` minus logs, with dates as epoch milliseconds (it crosses Redis). */
export type SerializedInvocation = Omit<InvocationRecord, 'logs' | 'queuedAt' | 'startedAt' | 'finishedAt'> & {
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
};

export function serializeInvocation(record: InvocationRecord): SerializedInvocation {
  const { logs: _logs, queuedAt, startedAt, finishedAt, ...rest } = record;
  return { ...rest, queuedAt: queuedAt.getTime(), startedAt: startedAt?.getTime() ?? null, finishedAt: finishedAt?.getTime() ?? null };
}

/** The record again; `logs` is empty: read them from storage or the logs subscription. */
export function deserializeInvocation(event: SerializedInvocation): InvocationRecord {
  return {
    ...event,
    logs: [],
    queuedAt: new Date(event.queuedAt),
    startedAt: event.startedAt === null ? null : new Date(event.startedAt),
    finishedAt: event.finishedAt === null ? null : new Date(event.finishedAt),
  };
}

// Lines lost in an outage are read again from the buffer or the record; the end of a
// stream and final statuses are what subscribers would otherwise wait for forever.
const isFinalUpdate = (event: InvocationUpdatedEvent): boolean => FINAL_STATUSES.has(event.invocation.status);

/** Log lines and the end of one invocation's output. */
export const invocationLogsChannel = eventChannelFamily<LogEvent>('invocation', 'logs', { redeliver: (event) => event.kind === 'end' });
/** Log lines of every invocation of one function. */
export const functionLogsChannel = eventChannelFamily<LogLineEvent>('function', 'logs');
/** Status transitions of one invocation. */
export const invocationUpdatedChannel = eventChannelFamily<InvocationUpdatedEvent>('invocation', 'updated', { redeliver: isFinalUpdate });
/** Status transitions of every invocation of one function. */
export const functionInvocationsChannel = eventChannelFamily<InvocationUpdatedEvent>('function', 'invocations', { redeliver: isFinalUpdate });
