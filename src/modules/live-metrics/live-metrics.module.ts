import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { FunctionMetricsService } from './function-metrics.service.js';
import { InstanceReporter } from './instance-reporter.js';

export interface LiveMetricsModuleImports {
  /** Provides `EventBus`: metrics are computed from every node's invocation and instance events. */
  events: ModuleImport;
  executor: ModuleImport;
}

/** Rolling-window metrics of a function across all nodes (`functionMetrics`). */
@Module({})
export class LiveMetricsModule {
  static register(imports: LiveMetricsModuleImports): DynamicModule {
    return {
      module: LiveMetricsModule,
      imports: [imports.events, imports.executor],
      providers: [FunctionMetricsService, InstanceReporter],
      exports: [FunctionMetricsService],
    };
  }
}
