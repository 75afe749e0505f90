import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { mapStream } from '@/kernel/streams/async-streams.js';
import { guardedStream } from '@/kernel/streams/guarded-stream.js';
import { CanaryFeedService } from '@/modules/canary/canary-feed.service.js';
import { CanaryService } from '@/modules/canary/canary.service.js';
import { CanaryModel, StartCanaryInput } from './canary.model.js';
import { toCanaryModel } from './canary.mapper.js';

const passThrough = <T>(value: T) => value;

@Resolver(() => CanaryModel)
export class CanaryResolver {
  constructor(
    private readonly canaries: CanaryService,
    private readonly feed: CanaryFeedService,
  ) {}

  @Query(() => CanaryModel, { nullable: true, description: 'The latest canary of an alias (running or finished); null when it never had one.' })
  async canary(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('alias') alias: string,
  ): Promise<CanaryModel | null> {
    const record = await this.canaries.latest(ctx.actor.principal, functionId, alias);
    return record ? toCanaryModel(record) : null;
  }

  @Mutation(() => CanaryModel, {
    description:
      'Starts moving an alias from the one version it points at to a candidate, step by step; each step is judged on the invocation records of its window and the canary advances, promotes or rolls back by itself.',
  })
  async startCanary(@Context() ctx: GraphQLContext, @Args('input') input: StartCanaryInput): Promise<CanaryModel> {
    return toCanaryModel(await this.canaries.start(ctx.actor, withoutNulls({ ...input })));
  }

  @Mutation(() => CanaryModel, { description: 'Stops the running canary of an alias and points the alias back at the stable version.' })
  async abortCanary(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('alias') alias: string,
  ): Promise<CanaryModel> {
    return toCanaryModel(await this.canaries.abort(ctx.actor, functionId, alias));
  }

  @Subscription(() => CanaryModel, {
    description: 'The alias’s latest canary (when it has one), then every change of its canaries: each step, decision and ending.',
    resolve: passThrough,
  })
  async canaryUpdated(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('alias') alias: string,
  ): Promise<AsyncIterable<CanaryModel>> {
    const principal = ctx.actor.principal;
    await this.canaries.assertCanRead(principal, functionId);
    const guarded = guardedStream(
      this.feed.of(functionId, alias),
      () =>
        this.canaries.assertCanRead(principal, functionId).then(
          () => true,
          () => false,
        ),
      () => new NotFoundError('Function', functionId),
    );
    return mapStream(guarded, toCanaryModel);
  }
}
