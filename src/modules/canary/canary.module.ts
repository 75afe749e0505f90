import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { CanaryControllerService } from './canary-controller.service.js';
import { CanaryDecisions } from './canary-decisions.js';
import { CanaryFeedService } from './canary-feed.service.js';
import { CanaryService } from './canary.service.js';

export interface CanaryModuleImports {
  /** Provides `CanaryRepository` and `InvocationRepository` (the step windows' figures). */
  storage: ModuleImport;
  /** Provides `EventBus` (`canaryUpdated` on every node). */
  events: ModuleImport;
  audit: ModuleImport;
  /** Provides `FunctionsService` and `FunctionAccessPolicy`. */
  functions: ModuleImport;
  /** Provides `VersionsService` (the candidate must be READY). */
  versions: ModuleImport;
  /** Provides `AliasesService` (what a canary moves). */
  aliases: ModuleImport;
}

/** Canary releases: an alias's weight moved to a candidate version step by step, rolled back when its figures do not hold. */
@Module({})
export class CanaryModule {
  static register(imports: CanaryModuleImports): DynamicModule {
    return {
      module: CanaryModule,
      imports: [imports.storage, imports.events, imports.audit, imports.functions, imports.versions, imports.aliases],
      providers: [CanaryService, CanaryDecisions, CanaryControllerService, CanaryFeedService],
      exports: [CanaryService, CanaryFeedService],
    };
  }
}
