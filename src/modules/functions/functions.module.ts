import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { FunctionAccessPolicy } from './function-access.policy.js';
import { FunctionsService } from './functions.service.js';
import { PrewarmQuota } from './prewarm-quota.js';
import { VersionDiffService } from './version-diff.service.js';

export interface FunctionsModuleImports {
  /** Provides `FunctionRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` (every change is announced to every node's caches). */
  events: ModuleImport;
  audit: ModuleImport;
  versions: ModuleImport;
  /** Provides `RuntimeAvailability` (registrations name installed runtimes only). */
  executor: ModuleImport;
}

/** The function aggregate: registration, new versions, deletion, reads, and who may do what with it. */
@Module({})
export class FunctionsModule {
  static register(imports: FunctionsModuleImports): DynamicModule {
    return {
      module: FunctionsModule,
      imports: [imports.storage, imports.events, imports.audit, imports.versions, imports.executor],
      providers: [FunctionsService, FunctionAccessPolicy, PrewarmQuota, VersionDiffService],
      exports: [FunctionsService, FunctionAccessPolicy, VersionDiffService],
    };
  }
}
