import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';
import { InvocationStatusEnum, InvocationTriggerEnum } from './invocation-enums.js';
import type { LogLineModel } from './log-line.model.js';

@ObjectType('InvocationError')
export class InvocationErrorModel {
  @Field()
  type: string;

  @Field()
  message: string;

  @Field(() => String, { nullable: true })
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

@ObjectType('Invocation')
export class InvocationModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  functionId: string;

  @Field()
  functionName: string;

  @Field(() => ID)
  versionId: string;

  @Field()
  version: string;

  @Field(() => InvocationTriggerEnum)
  trigger: InvocationTriggerEnum;

  @Field(() => String, { nullable: true })
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

  @Field(() => Float, { nullable: true })
  durationMs: number | null;

  @Field(() => Float, { nullable: true, description: 'Sandbox start and function load, on cold starts.' })
  initDurationMs: number | null;

  @Field(() => Float, { nullable: true })
  memoryPeakBytes: number | null;

  @Field(() => Float, { nullable: true })
  cpuTimeMs: number | null;

  @Field()
  queuedAt: Date;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true })
  traceId: string | null;

  /** Resolved by `InvocationsResolver.logs`: null when the record came without its lines. */
  logs: LogLineModel[] | null;

  @Field()
  logsTruncated: boolean;

  @Field(() => String, { nullable: true, description: 'The server node that runs (or last ran) it.' })
  nodeId: string | null;

  @Field(() => Int, { description: 'Runs started so far: 1 for a call, 0 while a queued invocation waits for its first run, more after retries.' })
  attempt: number;

  @Field({ description: 'Runs from the job queue (async, destinations) instead of while its caller waits.' })
  queued: boolean;
}
