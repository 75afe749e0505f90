import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { InvocationObserver } from '@/modules/invocations/invocation-observer.js';
import { BuildObserver } from '@/modules/versions/build-observer.js';
import { ShadowObserver } from '@/modules/shadow/shadow-observer.js';
import { BuildMetrics } from './metrics/build-metrics.js';
import { InvocationTelemetry } from './metrics/invocation-telemetry.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ShadowMetrics } from './metrics/shadow-metrics.js';

export interface TelemetryModuleImports {
  /** The executor whose sandboxes the `fngraph_sandboxes` gauge counts. */
  executor: ModuleImport;
}

/** Metrics and log context of invocations and builds, behind the observer ports of those modules. */
@Module({})
export class TelemetryModule {
  static register(imports: TelemetryModuleImports): DynamicModule {
    return {
      module: TelemetryModule,
      imports: [MetricsModule, imports.executor],
      providers: [
        { provide: InvocationObserver, useClass: InvocationTelemetry },
        { provide: BuildObserver, useClass: BuildMetrics },
        { provide: ShadowObserver, useClass: ShadowMetrics },
      ],
      exports: [InvocationObserver, BuildObserver, ShadowObserver],
    };
  }
}
