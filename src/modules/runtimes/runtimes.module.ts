import { Module } from '@nestjs/common';
import { ArtifactBuilder } from './artifact-builder.js';

@Module({
  providers: [ArtifactBuilder],
  exports: [ArtifactBuilder],
})
export class RuntimesModule {}
