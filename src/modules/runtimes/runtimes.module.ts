import { Module } from '@nestjs/common';
import { ArtifactBuilder } from './artifact-builder.js';
import { DependencyBuilder } from './dependencies/dependency-builder.js';
import { NpmInstaller } from './dependencies/npm-installer.js';
import { PipInstaller } from './dependencies/pip-installer.js';
import { PythonSyntaxChecker } from './python-syntax-checker.js';

/** Turning registered code and dependencies into what sandboxes load. */
@Module({
  providers: [ArtifactBuilder, PythonSyntaxChecker, NpmInstaller, PipInstaller, DependencyBuilder],
  exports: [ArtifactBuilder, DependencyBuilder],
})
export class RuntimesModule {}
