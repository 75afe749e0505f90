import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { ROOT_LOGGER } from '@/kernel/telemetry/root-logger.js';
import { PlatformErrors } from '@/adapters/observability/errors/platform-errors.js';
import { MetricsModule } from '@/adapters/observability/metrics/metrics.module.js';

/** What the process set up before Nest started (see `server.ts`). */
export interface LoggingRuntime {
  logger: Logger;
  /** Flushes what the process started outside Nest (tracing), when the application stops. */
  onShutdown?: () => Promise<void>;
}

const RUNTIME = Symbol('LoggingRuntime');

/**
 * The root logger and the one path of unexpected errors (logged with their stack,
 * counted, kept for `platformErrors`). Global, with the configuration, and nothing else:
 * every module logs, and reporting an unexpected error is how it logs one.
 */
@Global()
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: LoggingRuntime) {}

  static forRoot(runtime: LoggingRuntime): DynamicModule {
    return {
      module: LoggingModule,
      imports: [MetricsModule],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: ROOT_LOGGER, useValue: runtime.logger },
        { provide: UnexpectedErrors, useClass: PlatformErrors },
      ],
      exports: [ROOT_LOGGER, UnexpectedErrors],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.onShutdown?.();
    this.runtime.logger.flush();
  }
}
