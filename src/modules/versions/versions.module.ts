import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { VersionBuildLogsService } from './version-build-logs.service.js';
import { VersionBuildService } from './version-build.service.js';
import { VersionsService } from './versions.service.js';
import { VersionCodeFolders } from './version-code-folders.js';
import { VersionLoadCheck } from './version-load-check.js';

export interface VersionsModuleImports {
  /** Provides `VersionRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` (build progress and outcomes). */
  events: ModuleImport;
  /** Provides `EnvelopeCipher` (code and variables are sealed at rest). */
  crypto: ModuleImport;
  /** Provides `BuildObserver`. */
  telemetry: ModuleImport;
  runtimes: ModuleImport;
  /** Provides `ExecutorService` (the export check loads versions in a sandbox). */
  executor: ModuleImport;
}

/** Immutable versions: built and sealed at registration, dependency builds in the background. */
@Module({})
export class VersionsModule {
  static register(imports: VersionsModuleImports): DynamicModule {
    return {
      module: VersionsModule,
      imports: [imports.storage, imports.events, imports.crypto, imports.telemetry, imports.runtimes, imports.executor],
      providers: [VersionsService, VersionBuildService, VersionBuildLogsService, VersionCodeFolders, VersionLoadCheck],
      exports: [VersionsService, VersionBuildService, VersionBuildLogsService],
    };
  }
}
