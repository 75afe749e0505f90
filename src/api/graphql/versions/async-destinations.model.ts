import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('AsyncDestinations', { description: 'Functions (by name) invoked, queued, with the outcome of a queued invocation.' })
export class AsyncDestinationsModel {
  @Field(() => String, { nullable: true })
  onSuccess: string | null;

  @Field(() => String, { nullable: true })
  onFailure: string | null;
}
