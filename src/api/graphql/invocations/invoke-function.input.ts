import { Field, ID, InputType } from '@nestjs/graphql';
import { JSONScalar, StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';

@InputType({ description: 'An HTTP-shaped event, for functions that look at method, path or headers.' })
export class InvocationEventInput {
  @Field({ nullable: true, defaultValue: 'POST' })
  method?: string;

  @Field({ nullable: true, defaultValue: '/' })
  path?: string;

  @Field(() => StringMapScalar, { nullable: true })
  headers?: Record<string, string>;

  @Field(() => StringMapScalar, { nullable: true })
  query?: Record<string, string>;

  @Field(() => String, { nullable: true })
  body?: string;

  @Field({ nullable: true, defaultValue: false })
  isBase64Encoded?: boolean;
}

@InputType({ description: 'Which function (and version) to run, with what, and whether to wait for it.' })
export class InvokeFunctionInput {
  @Field(() => ID, { nullable: true, description: 'The function, by id (or give `name`).' })
  functionId?: string;

  @Field({ nullable: true, description: 'The function, by name (or give `functionId`).' })
  name?: string;

  @Field({
    nullable: true,
    description: 'A pinned version. Without `version` and `alias`: the `default` alias when the function has one, else the latest version.',
  })
  version?: string;

  @Field({
    nullable: true,
    description: 'Route through this alias of the function (its weights, and `routingKey` for sticky routing). Exclusive with `version`.',
  })
  alias?: string;

  @Field({
    nullable: true,
    description:
      'Sticky routing through an alias: calls with the same key run the same version while the alias’s weights stay (HTTP: header `x-fngraph-routing-key`).',
  })
  routingKey?: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Sent as a JSON body (POST /). Exclusive with `event`.' })
  payload?: unknown;

  @Field(() => InvocationEventInput, { nullable: true })
  event?: InvocationEventInput;

  @Field({ nullable: true, defaultValue: false, description: 'Return the QUEUED invocation at once; follow it by subscription.' })
  async?: boolean;

  @Field({
    nullable: true,
    description:
      'Makes re-sends safe: the same key (for the same function and caller, within the idempotency window) returns the invocation it first started instead of running again.',
  })
  idempotencyKey?: string;
}
