import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExecutionConfig')
export class ExecutionConfigModel {
  @Field(() => Int, { description: 'Seconds.' })
  timeout: number;

  @Field(() => Int, { description: 'Megabytes.' })
  memoryLimit: number;

  @Field(() => [String], { description: 'Names only: values are sealed at rest and never returned.' })
  environmentVariableNames: string[];
}
