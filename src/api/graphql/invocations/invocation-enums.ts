import { registerEnumType } from '@nestjs/graphql';

export enum InvocationStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  OOM_KILLED = 'OOM_KILLED',
  REJECTED = 'REJECTED',
  /** Queued, and every attempt failed (or it waited too long): see `error`; `redriveInvocation` runs it again. */
  DEAD_LETTERED = 'DEAD_LETTERED',
}

export enum InvocationTriggerEnum {
  GRAPHQL = 'GRAPHQL',
  HTTP = 'HTTP',
  ASYNC = 'ASYNC',
  /** Sent the outcome of another function's queued invocation (its `destinations`). */
  DESTINATION = 'DESTINATION',
  /** A tick of one of the function's `schedules`. */
  SCHEDULE = 'SCHEDULE',
}

export enum LogStreamEnum {
  STDOUT = 'stdout',
  STDERR = 'stderr',
  SYSTEM = 'system',
}

registerEnumType(InvocationStatusEnum, { name: 'InvocationStatus' });
registerEnumType(InvocationTriggerEnum, { name: 'InvocationTrigger' });
registerEnumType(LogStreamEnum, { name: 'LogStream' });
