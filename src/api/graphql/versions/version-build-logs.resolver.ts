import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { BuildLogLineModel } from './build-log-line.model.js';
import type { BuildStatusEnum } from './build-status.enum.js';
import { type BuildLogItem, VersionBuildLogsService } from '@/modules/versions/version-build-logs.service.js';
import { VersionsService } from '@/modules/versions/versions.service.js';

@Resolver()
export class VersionBuildLogsResolver {
  constructor(
    private readonly buildLogs: VersionBuildLogsService,
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  @Subscription(() => BuildLogLineModel, {
    description: "A version's dependency build: live lines until it ends (or the stored log once it has), then its outcome.",
    resolve: (line: BuildLogLineModel) => line,
  })
  async versionBuildLogs(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('version') version: string,
  ): Promise<AsyncIterable<BuildLogLineModel>> {
    // Build output belongs with the version's metadata: whoever may see the function.
    const fn = await ctx.loaders.functionById.load(functionId);
    if (!fn || !this.policy.functionAccess(ctx.actor.principal, fn).visible) throw new NotFoundError('Function', functionId);
    const record = await this.versions.getByVersion(functionId, version);
    return toModels(this.buildLogs.stream(record.id));
  }
}

async function* toModels(items: AsyncIterable<BuildLogItem>): AsyncGenerator<BuildLogLineModel> {
  for await (const item of items) yield { ...item, status: item.status as BuildStatusEnum };
}
