import { Module } from '@nestjs/common';
import { RuntimesModule } from '@/modules/runtimes/runtimes.module.js';
import { VersionBuildLogsResolver } from '@/api/graphql/versions/version-build-logs.resolver.js';
import { VersionBuildLogsService } from './version-build-logs.service.js';
import { VersionBuildService } from './version-build.service.js';
import { VersionLoadersFactory } from '@/api/graphql/loaders/version.loaders.js';
import { ExecutionConfigFieldsResolver, FunctionVersionsFieldsResolver, VersionsResolver } from '@/api/graphql/versions/versions.resolver.js';
import { VersionsService } from './versions.service.js';

@Module({
  imports: [RuntimesModule],
  providers: [
    VersionsService,
    VersionBuildService,
    VersionBuildLogsService,
    VersionLoadersFactory,
    VersionsResolver,
    FunctionVersionsFieldsResolver,
    ExecutionConfigFieldsResolver,
    VersionBuildLogsResolver,
  ],
  exports: [VersionsService, VersionBuildService, VersionLoadersFactory],
})
export class VersionsModule {}
