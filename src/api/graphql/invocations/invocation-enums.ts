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
  /** A copy of a call routed by an alias with a `shadow`, run on the shadow version after the caller was answered. */
  SHADOW = 'SHADOW',
  /** A recorded request run again by `replayInvocations`. */
  REPLAY = 'REPLAY',
}

export enum LogStreamEnum {
  STDOUT = 'stdout',
  STDERR = 'stderr',
  SYSTEM = 'system',
}

registerEnumType(InvocationStatusEnum, {
  name: 'InvocationStatus',
  description: 'Where an invocation is: QUEUED and RUNNING change, every other status is final.',
  valuesMap: {
    QUEUED: { description: 'Waiting in the job queue (async, scheduled, destinations, retries).' },
    RUNNING: { description: 'In a sandbox now.' },
    SUCCEEDED: { description: 'The function returned; `response` has its result.' },
    FAILED: { description: 'The function threw, exited or returned an invalid response: see `error`.' },
    TIMED_OUT: { description: 'Stopped at the function’s timeout.' },
    OOM_KILLED: { description: 'Stopped at the function’s memory limit.' },
    REJECTED: { description: 'Never ran: a concurrency limit was reached, or the job queue was unavailable.' },
    DEAD_LETTERED: { description: 'Queued, and every attempt failed (or it waited too long): see `error`; `redriveInvocation` runs it again.' },
  },
});
registerEnumType(InvocationTriggerEnum, {
  name: 'InvocationTrigger',
  description: 'What started an invocation.',
  valuesMap: {
    GRAPHQL: { description: 'The `invokeFunction` mutation, waited for.' },
    HTTP: { description: 'A request to one of the function’s endpoints.' },
    ASYNC: { description: 'Queued: `invokeFunction` with `async: true`, or an endpoint called with `Prefer: respond-async`.' },
    DESTINATION: { description: 'Sent the outcome of another function’s queued invocation (its `destinations`).' },
    SCHEDULE: { description: 'A tick of one of the function’s `schedules`.' },
    SHADOW: {
      description:
        'A copy of a call routed by an alias with a `shadow`, run on the shadow version once the caller was answered (the platform’s: `callerId` null; `comparedWith` is the call it copies).',
    },
    REPLAY: { description: 'A recorded request run again on another version by `replayInvocations` (`comparedWith` is the original).' },
  },
});
registerEnumType(LogStreamEnum, {
  name: 'LogStream',
  description: 'Where a log line came from.',
  valuesMap: {
    STDOUT: { description: 'The function’s standard output (`console.log`, `print`).' },
    STDERR: { description: 'The function’s standard error (`console.error`, tracebacks).' },
    SYSTEM: { description: 'Written by the platform about the invocation, not by the function.' },
  },
});
