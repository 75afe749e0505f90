import { Module } from '@nestjs/common';
import { RuntimesModule } from '@/modules/runtimes/runtimes.module.js';
import { VersionLoadersFactory } from './versions.loaders.js';
import { ExecutionConfigFieldsResolver, FunctionVersionsFieldsResolver, VersionsResolver } from './versions.resolver.js';
import { VersionsService } from './versions.service.js';

@Module({
  imports: [RuntimesModule],
  providers: [VersionsService, VersionLoadersFactory, VersionsResolver, FunctionVersionsFieldsResolver, ExecutionConfigFieldsResolver],
  exports: [VersionsService, VersionLoadersFactory],
})
export class VersionsModule {}
