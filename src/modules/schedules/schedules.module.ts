import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { ScheduleRunsService } from './schedule-runs.service.js';
import { SchedulerService } from './scheduler.service.js';

export interface SchedulesModuleImports {
  /** Provides `ScheduleClaimRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` (function changes reach every node's scheduler). */
  events: ModuleImport;
  functions: ModuleImport;
  invocations: ModuleImport;
}

/** Cron triggers: the per-node scheduler that claims and starts ticks, and what is known of their runs. */
@Module({})
export class SchedulesModule {
  static register(imports: SchedulesModuleImports): DynamicModule {
    return {
      module: SchedulesModule,
      imports: [imports.storage, imports.events, imports.functions, imports.invocations],
      providers: [SchedulerService, ScheduleRunsService],
      exports: [ScheduleRunsService],
    };
  }
}
