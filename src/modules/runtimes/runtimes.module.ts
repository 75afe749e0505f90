import { Module } from '@nestjs/common';
import { ArtifactBuilder } from './artifact-builder.js';
import { DependencyBuilder } from './dependencies/dependency-builder.js';
import { NpmInstaller } from './dependencies/npm-installer.js';
import { PipInstaller } from './dependencies/pip-installer.js';
import { PythonSyntaxChecker } from './python-syntax-checker.js';
import { RuntimesResolver } from './runtimes.resolver.js';
import { RuntimesService } from './runtimes.service.js';

/** Turning registered code and dependencies into what sandboxes load. */
@Module({
  providers: [ArtifactBuilder, PythonSyntaxChecker, NpmInstaller, PipInstaller, DependencyBuilder, RuntimesService, RuntimesResolver],
  exports: [ArtifactBuilder, DependencyBuilder, RuntimesService],
})
export class RuntimesModule {}
