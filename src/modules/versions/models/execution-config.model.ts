import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExecutionConfig')
export class ExecutionConfigModel {
  @Field(() => Int, { description: 'Seconds.' })
  timeout: number;

  @Field(() => Int, { description: 'Megabytes.' })
  memoryLimit: number;

  @Field(() => [String], { description: 'Names of all variables (see `environmentVariables`).' })
  environmentVariableNames: string[];

  // Not exposed: what the `environmentVariables` field resolver unseals.
  versionId: string | null;
  functionId: string;
}
