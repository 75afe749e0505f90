import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { AliasesService } from './aliases.service.js';

export interface AliasesModuleImports {
  /** Provides `AliasRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` (every change reaches every node's alias cache). */
  events: ModuleImport;
  audit: ModuleImport;
  /** Provides `FunctionsService` and `FunctionAccessPolicy`. */
  functions: ModuleImport;
  /** Provides `VersionsService` (aliases point at versions that exist). */
  versions: ModuleImport;
}

/** Named, weighted pointers of a function to its versions, and the routing of calls through them. */
@Module({})
export class AliasesModule {
  static register(imports: AliasesModuleImports): DynamicModule {
    return {
      module: AliasesModule,
      imports: [imports.storage, imports.events, imports.audit, imports.functions, imports.versions],
      providers: [AliasesService],
      exports: [AliasesService],
    };
  }
}
