import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { InvocationObserver } from '@/modules/invocations/invocation-observer.js';
import { BuildObserver } from '@/modules/versions/build-observer.js';
import { PlatformErrorsResolver } from '@/api/graphql/observability/platform-errors.resolver.js';
import { PlatformErrors } from './errors/platform-errors.js';
import { CoreHealthChecks } from '@/adapters/health/core-health-checks.js';
import { HealthChecks } from '@/modules/health/health-checks.js';
import { HealthController } from '@/api/http/health/health.controller.js';
import { HealthService } from '@/modules/health/health.service.js';
import { ROOT_LOGGER } from '@/kernel/telemetry/root-logger.js';
import { InvocationTelemetry } from './metrics/invocation-telemetry.js';
import { MetricsController } from '@/api/http/metrics/metrics.controller.js';
import { MetricsListener } from '@/api/http/metrics/metrics-listener.js';
import { PlatformMetrics } from './metrics/platform-metrics.js';

/** What the process set up before Nest started (see `server.ts`). */
export interface ObservabilityRuntime {
  logger: Logger;
  /** Flushes what the process started outside Nest (tracing), when the application stops. */
  onShutdown?: () => Promise<void>;
}

const RUNTIME = Symbol('ObservabilityRuntime');

/**
 * Metrics (`/metrics`), health (`/health/live`, `/health/ready`), platform errors
 * (`platformErrors`), the invocation observer and the root logger. Global: the storage,
 * Redis and GraphQL modules time and count through it.
 */
@Global()
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: ObservabilityRuntime) {}

  static forRoot(config: AppConfig, runtime: ObservabilityRuntime): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, ...(config.observability.metrics ? [MetricsController] : [])],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: ROOT_LOGGER, useValue: runtime.logger },
        PlatformMetrics,
        PlatformErrors,
        { provide: UnexpectedErrors, useExisting: PlatformErrors },
        InvocationTelemetry,
        { provide: InvocationObserver, useExisting: InvocationTelemetry },
        {
          provide: BuildObserver,
          useFactory: (metrics: PlatformMetrics): BuildObserver => ({ finished: (status, ms) => metrics.recordBuild(ms, status) }),
          inject: [PlatformMetrics],
        },
        HealthChecks,
        CoreHealthChecks,
        HealthService,
        PlatformErrorsResolver,
        ...(config.observability.metrics ? [MetricsListener] : []),
      ],
      exports: [ROOT_LOGGER, PlatformMetrics, PlatformErrors, UnexpectedErrors, InvocationObserver, BuildObserver, HealthChecks],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.onShutdown?.();
    this.runtime.logger.flush();
  }
}
