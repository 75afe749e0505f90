import type { InvocationStatus, LogStream } from './invocation.record.js';

/** Log lines and the end of one invocation's output. */
export const invocationLogsChannel = (invocationId: string) => `invocation.${invocationId}.logs`;
/** Log lines of every invocation of one function. */
export const functionLogsChannel = (functionId: string) => `function.${functionId}.logs`;
/** Status transitions of one invocation. */
export const invocationUpdatedChannel = (invocationId: string) => `invocation.${invocationId}.updated`;
/** Status transitions of every invocation of one function. */
export const functionInvocationsChannel = (functionId: string) => `function.${functionId}.invocations`;

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
}

export type LogEvent = LogLineEvent | LogEndEvent;

export interface InvocationUpdatedEvent {
  invocationId: string;
  functionId: string;
  status: InvocationStatus;
}
