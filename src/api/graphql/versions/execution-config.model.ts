import { Field, Int, ObjectType } from '@nestjs/graphql';
import { AsyncDestinationsModel } from './async-destinations.model.js';
import { NetworkConfigModel } from './network-config.model.js';
import { RetryPolicyModel } from './retry-policy.model.js';

@ObjectType('ExecutionConfig', { description: 'How a version runs: limits, environment, instances and the async policy (fixed with the version).' })
export class ExecutionConfigModel {
  @Field(() => Int, { description: 'Seconds.' })
  timeout: number;

  @Field(() => Int, { description: 'Megabytes.' })
  memoryLimit: number;

  @Field(() => Int, { description: 'Sandboxes kept warm on each server node.' })
  minInstances: number;

  @Field(() => Int, { nullable: true, description: 'Most sandboxes at once on each server node; null: the platform default.' })
  maxInstances: number | null;

  @Field(() => Int, { description: 'Invocations one sandbox serves at once (1: one at a time).' })
  concurrency: number;

  @Field(() => RetryPolicyModel)
  retry: RetryPolicyModel;

  @Field(() => Int, { nullable: true, description: 'Seconds a queued invocation may wait before it is dead-lettered instead of run; null: no limit.' })
  maxEventAgeSeconds: number | null;

  @Field(() => AsyncDestinationsModel)
  destinations: AsyncDestinationsModel;

  @Field(() => String, { description: 'How the handler is called and its result read: native, web, node-http, aws-apigw-v1 or aws-apigw-v2.' })
  eventFormat: string;
  @Field(() => NetworkConfigModel)
  network: NetworkConfigModel;

  @Field(() => [String], { description: 'Names of all variables (see `environmentVariables`).' })
  environmentVariableNames: string[];

  // Not exposed: what the `environmentVariables` field resolver unseals.
  versionId: string | null;
  functionId: string;
}
