import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { VersionDiffService } from '@/modules/functions/version-diff.service.js';
import { VersionDiffModel } from './version-diff.model.js';

@Resolver(() => VersionDiffModel)
export class VersionDiffResolver {
  constructor(private readonly diffs: VersionDiffService) {}

  @Query(() => VersionDiffModel, {
    description: 'Code (for those who may read it), settings and contract differences between two versions of a function, e.g. before promoting a canary.',
  })
  versionDiff(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('from', { description: 'The older version (semver).' }) from: string,
    @Args('to', { description: 'The newer version (semver).' }) to: string,
  ): Promise<VersionDiffModel> {
    return this.diffs.diff(ctx.actor.principal, functionId, from, to);
  }
}
