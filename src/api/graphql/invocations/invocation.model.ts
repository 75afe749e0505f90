import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';
import { InvocationStatusEnum, InvocationTriggerEnum } from './invocation-enums.js';
import type { LogLineModel } from './log-line.model.js';

@ObjectType('InvocationError', { description: 'Why an invocation failed.' })
export class InvocationErrorModel {
  @Field({ description: 'The error’s class (e.g. `TypeError`), or the platform’s reason (e.g. `OutOfMemory`, `SandboxError`, `Throttled`).' })
  type: string;

  @Field()
  message: string;

  @Field(() => String, { nullable: true, description: 'Only for those who may read the function’s code.' })
  stack?: string | null;
}

@ObjectType('InvocationRequest', { description: 'The event the function received (credentials redacted, body capped).' })
export class InvocationRequestModel {
  @Field()
  method: string;

  @Field()
  path: string;

  @Field(() => JSONScalar)
  headers: Record<string, string>;

  @Field(() => JSONScalar)
  query: Record<string, string | string[]>;

  @Field(() => String, { nullable: true })
  body: string | null;

  @Field()
  isBase64Encoded: boolean;

  @Field({ description: 'Whether the stored body was cut to the storage cap.' })
  truncated: boolean;
}

@ObjectType('Invocation', { description: 'One call of a function version: what it was sent, what it returned, its logs and how it ran.' })
export class InvocationModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  functionId: string;

  @Field({ description: 'The function’s name when it was called.' })
  functionName: string;

  @Field(() => ID)
  versionId: string;

  @Field({ description: 'The version that ran (semver).' })
  version: string;

  @Field(() => String, {
    nullable: true,
    description: 'The alias that chose `version` (`/fn/<name>@<alias>`, the `default` alias, `invokeFunction(alias:)`); null when called by version or latest.',
  })
  alias: string | null;

  @Field(() => InvocationTriggerEnum)
  trigger: InvocationTriggerEnum;

  @Field(() => String, { nullable: true, description: 'The user id of the caller; null for anonymous calls of public functions and for platform triggers.' })
  callerId: string | null;

  @Field(() => InvocationStatusEnum)
  status: InvocationStatusEnum;

  @Field(() => InvocationRequestModel)
  request: InvocationRequestModel;

  @Field(() => JSONScalar, { nullable: true, description: "The function's result." })
  response: unknown;

  @Field({ description: 'The result was too large to keep: `response` is null.' })
  responseTruncated: boolean;

  /** Resolved by `InvocationsResolver.error`: shown whole only to those who may read the code. */
  error: InvocationErrorModel | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a sandbox was started for this invocation.' })
  coldStart: boolean | null;

  @Field(() => Float, { nullable: true, description: 'From handing the event to the sandbox until its answer.' })
  durationMs: number | null;

  @Field(() => Float, { nullable: true, description: 'Sandbox start and function load, on cold starts.' })
  initDurationMs: number | null;

  @Field(() => Float, { nullable: true, description: 'The sandbox’s peak memory, where the executor measures it.' })
  memoryPeakBytes: number | null;

  @Field(() => Float, { nullable: true, description: 'CPU time used, where the executor measures it.' })
  cpuTimeMs: number | null;

  @Field({ description: 'When the invocation was created (queued or not).' })
  queuedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its (latest) run started; null while queued.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it reached a final status.' })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The OpenTelemetry trace id, when tracing is on.' })
  traceId: string | null;

  /** Resolved by `InvocationsResolver.logs`: null when the record came without its lines. */
  logs: LogLineModel[] | null;

  @Field({ description: 'More lines were written than are kept: the stored `logs` are cut.' })
  logsTruncated: boolean;

  @Field(() => String, { nullable: true, description: 'The server node that runs (or last ran) it.' })
  nodeId: string | null;

  @Field(() => Int, { description: 'Runs started so far: 1 for a call, 0 while a queued invocation waits for its first run, more after retries.' })
  attempt: number;

  @Field({ description: 'Runs from the job queue (async, destinations) instead of while its caller waits.' })
  queued: boolean;

  @Field(() => ID, {
    nullable: true,
    description: 'SHADOW and REPLAY invocations: the invocation whose request this one ran again, to compare their results; null otherwise.',
  })
  comparedWith: string | null;
  @Field(() => [String], {
    description:
      "How the result broke its version's output schema (`output/url: must be string`): flagged with outputMode FLAG, the reason it FAILED with REFUSE; empty when it matched.",
  })
  contractViolations: string[];
}
