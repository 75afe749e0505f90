import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RetryPolicy', { description: 'Runs of a queued (async) invocation that fails.' })
export class RetryPolicyModel {
  @Field(() => Int, { description: 'Runs in all, the first included (1: no retry).' })
  attempts: number;

  @Field(() => Int, { description: 'Seconds before the second run; doubled before each next one.' })
  backoffSeconds: number;
}
