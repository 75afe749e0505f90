import { Module } from '@nestjs/common';
import { ArtifactBuilder } from './artifact-builder.js';
import { DependencyBuilder } from './dependencies/dependency-builder.js';
import { NpmInstaller } from '@/adapters/packages/npm/npm-installer.js';
import { PipInstaller } from '@/adapters/packages/pip/pip-installer.js';
import { PythonSyntaxChecker } from '@/adapters/packages/python/python-syntax-checker.js';
import { RuntimesResolver } from '@/api/graphql/runtimes/runtimes.resolver.js';
import { RuntimesService } from '@/modules/executor/runtime-availability.service.js';

/** Turning registered code and dependencies into what sandboxes load. */
@Module({
  providers: [ArtifactBuilder, PythonSyntaxChecker, NpmInstaller, PipInstaller, DependencyBuilder, RuntimesService, RuntimesResolver],
  exports: [ArtifactBuilder, DependencyBuilder, RuntimesService],
})
export class RuntimesModule {}
