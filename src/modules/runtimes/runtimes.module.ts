import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { ArtifactBuilder } from './artifact-builder.js';
import { DependencyBuilder } from './dependencies/dependency-builder.js';
import { CodeTrees } from './code/code-trees.js';

export interface RuntimesModuleImports {
  /** Provides `PackageInstallers` and `PythonSourceChecker`. */
  packages: ModuleImport;
}

/** Turning registered code and dependencies into what sandboxes load. */
@Module({})
export class RuntimesModule {
  static register(imports: RuntimesModuleImports): DynamicModule {
    return {
      module: RuntimesModule,
      imports: [imports.packages],
      providers: [ArtifactBuilder, DependencyBuilder, CodeTrees],
      exports: [ArtifactBuilder, DependencyBuilder, CodeTrees],
    };
  }
}
