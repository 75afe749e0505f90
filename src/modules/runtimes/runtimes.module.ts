import { Module } from '@nestjs/common';
import { ArtifactBuilder } from './artifact-builder.js';
import { RuntimesResolver } from './runtimes.resolver.js';
import { RuntimesService } from './runtimes.service.js';

@Module({
  providers: [ArtifactBuilder, RuntimesService, RuntimesResolver],
  exports: [ArtifactBuilder, RuntimesService],
})
export class RuntimesModule {}
