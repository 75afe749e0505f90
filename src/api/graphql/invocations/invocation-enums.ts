import { registerEnumType } from '@nestjs/graphql';

export enum InvocationStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  OOM_KILLED = 'OOM_KILLED',
  REJECTED = 'REJECTED',
}

export enum InvocationTriggerEnum {
  GRAPHQL = 'GRAPHQL',
  HTTP = 'HTTP',
  ASYNC = 'ASYNC',
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
