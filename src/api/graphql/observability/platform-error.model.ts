import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PlatformError', { description: "One of fngraph's own unexpected errors (not a function's failure)." })
export class PlatformErrorModel {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  occurredAt: Date;

  @Field({ description: 'Where it surfaced: graphql, http, invocation, executor, events, storage, build or background.' })
  source: string;

  @Field({ description: 'The error class, e.g. TypeError.' })
  type: string;

  @Field()
  message: string;

  @Field(() => [String], { description: 'Stack trace lines.' })
  stack: string[];

  @Field(() => String, { nullable: true, description: 'A GraphQL field path, an HTTP route or an invocation.' })
  where: string | null;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true })
  traceId: string | null;

  @Field(() => String, { nullable: true })
  functionName: string | null;

  @Field(() => ID, { nullable: true })
  invocationId: string | null;
}

@ObjectType('PlatformErrors')
export class PlatformErrorsModel {
  @Field({ description: 'The server node that answered: each node keeps its own errors.' })
  node: string;

  @Field(() => Int, { description: 'Unexpected errors on this node since it started.' })
  total: number;

  @Field(() => [PlatformErrorModel], { description: 'The most recent ones, newest first (a bounded number is kept).' })
  errors: PlatformErrorModel[];
}
