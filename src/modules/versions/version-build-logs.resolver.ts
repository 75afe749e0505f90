import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { BuildLogLineModel } from './models/build-log-line.model.js';
import type { BuildStatusEnum } from './models/build-status.enum.js';
import { type BuildLogItem, VersionBuildLogsService } from './version-build-logs.service.js';
import { VersionsService } from './versions.service.js';

@Resolver()
export class VersionBuildLogsResolver {
  constructor(
    private readonly buildLogs: VersionBuildLogsService,
    private readonly versions: VersionsService,
  ) {}

  @Subscription(() => BuildLogLineModel, {
    description: "A version's dependency build: live lines until it ends (or the stored log once it has), then its outcome.",
    resolve: (line: BuildLogLineModel) => line,
  })
  async versionBuildLogs(
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('version') version: string,
  ): Promise<AsyncIterable<BuildLogLineModel>> {
    // Resolved up front so that an unknown version is an error result, not a broken stream.
    const record = await this.versions.getByVersion(functionId, version);
    return toModels(this.buildLogs.stream(record.id));
  }
}

async function* toModels(items: AsyncIterable<BuildLogItem>): AsyncGenerator<BuildLogLineModel> {
  for await (const item of items) yield { ...item, status: item.status as BuildStatusEnum };
}
