import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { InvocationStatusEnum } from '@/api/graphql/invocations/invocation-enums.js';

@InputType({ description: "Which of the function's recorded invocations to replay, newest first." })
export class ReplayFilterInput {
  @Field(() => InvocationStatusEnum, { nullable: true })
  status?: InvocationStatusEnum;

  @Field({ nullable: true, description: 'Inclusive.' })
  since?: Date;

  @Field({ nullable: true, description: 'Inclusive.' })
  until?: Date;
}

@InputType()
export class ReplayInput {
  @Field(() => ID)
  functionId: string;

  @Field({ description: 'The version to run the recorded requests on (semver).' })
  targetVersion: string;

  @Field(() => [ID], { nullable: true, description: 'These invocations (1 to 100); or, without them, those `filter` selects.' })
  invocationIds?: string[];

  @Field(() => ReplayFilterInput, { nullable: true })
  filter?: ReplayFilterInput;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'With `filter` (or none): how many, 1 to 100.' })
  limit?: number;
}
