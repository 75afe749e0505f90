import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExecutionConfig')
export class ExecutionConfigModel {
  @Field(() => Int, { description: 'Seconds.' })
  timeout: number;

  @Field(() => Int, { description: 'Megabytes.' })
  memoryLimit: number;

  @Field(() => Int, { description: 'Sandboxes kept warm on each server node.' })
  minInstances: number;

  @Field(() => Int, { nullable: true, description: 'Most sandboxes at once on each server node; null: the platform default.' })
  maxInstances: number | null;

  @Field(() => [String], { description: 'Names of all variables (see `environmentVariables`).' })
  environmentVariableNames: string[];

  // Not exposed: what the `environmentVariables` field resolver unseals.
  versionId: string | null;
  functionId: string;
}
