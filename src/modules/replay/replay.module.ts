import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { ReplayService } from './replay.service.js';

export interface ReplayModuleImports {
  /** Provides `FunctionsService` and `FunctionAccessPolicy`. */
  functions: ModuleImport;
  /** Provides `VersionsService` (the target version must exist and have built). */
  versions: ModuleImport;
  invocations: ModuleImport;
  audit: ModuleImport;
}

/** Replay: recorded invocations run again on another version, their results compared. */
@Module({})
export class ReplayModule {
  static register(imports: ReplayModuleImports): DynamicModule {
    return {
      module: ReplayModule,
      imports: [imports.functions, imports.versions, imports.invocations, imports.audit],
      providers: [ReplayService],
      exports: [ReplayService],
    };
  }
}
