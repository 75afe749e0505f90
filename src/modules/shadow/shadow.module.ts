import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { ShadowReportService } from './shadow-report.service.js';
import { ShadowTrafficService } from './shadow-traffic.service.js';

export interface ShadowModuleImports {
  /** Provides `ComparisonRepository`. */
  storage: ModuleImport;
  /** Provides `ShadowObserver`. */
  telemetry: ModuleImport;
  /** Provides `InvocationsService` and `ShadowCalls` (where the shadow calls come from). */
  invocations: ModuleImport;
  /** Provides `AliasesService` (an alias's current shadow version). */
  aliases: ModuleImport;
  /** Provides `FunctionsService` and `FunctionAccessPolicy`. */
  functions: ModuleImport;
  /** Provides `VersionsService`. */
  versions: ModuleImport;
  /** Provides `ExecutorService` (whether the node has room for a shadow run). */
  executor: ModuleImport;
}

/** Shadow traffic: aliases' shadow shares run on their candidate version, compared with what callers got, and reported. */
@Module({})
export class ShadowModule {
  static register(imports: ShadowModuleImports): DynamicModule {
    return {
      module: ShadowModule,
      imports: [imports.storage, imports.telemetry, imports.invocations, imports.aliases, imports.functions, imports.versions, imports.executor],
      providers: [ShadowTrafficService, ShadowReportService],
      exports: [ShadowReportService],
    };
  }
}
