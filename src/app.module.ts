import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { ConfigModule } from '@/kernel/config/config.module.js';
import { AliasesModule } from '@/modules/aliases/aliases.module.js';
import { CanaryModule } from '@/modules/canary/canary.module.js';
import { AuditModule } from '@/modules/audit/audit.module.js';
import { AuthModule } from '@/modules/auth/auth.module.js';
import { ExecutorModule } from '@/modules/executor/executor.module.js';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { HealthModule } from '@/modules/health/health.module.js';
import { InvocationsModule } from '@/modules/invocations/invocations.module.js';
import { LimitsModule } from '@/modules/limits/limits.module.js';
import { ReplayModule } from '@/modules/replay/replay.module.js';
import { ShadowModule } from '@/modules/shadow/shadow.module.js';
import { LiveMetricsModule } from '@/modules/live-metrics/live-metrics.module.js';
import { RuntimesModule } from '@/modules/runtimes/runtimes.module.js';
import { SchedulesModule } from '@/modules/schedules/schedules.module.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { CryptoModule } from '@/adapters/crypto/crypto.module.js';
import { EventsModule } from '@/adapters/events/events.module.js';
import { RateLimiterStoreModule } from '@/adapters/limits/rate-limiter-store.module.js';
import { LoggingModule, type LoggingRuntime } from '@/adapters/observability/logging/logging.module.js';
import { MetricsModule } from '@/adapters/observability/metrics/metrics.module.js';
import { TelemetryModule } from '@/adapters/observability/telemetry.module.js';
import { PackagesModule } from '@/adapters/packages/packages.module.js';
import { QueueModule } from '@/adapters/queue/queue.module.js';
import { SandboxModule } from '@/adapters/sandbox/sandbox.module.js';
import { StorageModule } from '@/adapters/storage/storage.module.js';
import { GraphQLApiModule } from '@/api/graphql/graphql-api.module.js';
import { HttpApiModule } from '@/api/http/http-api.module.js';

/**
 * The whole server for one configuration, and the only place that wires adapters to
 * ports: each adapter module is chosen here, once, and handed to the feature modules
 * whose ports it provides. Reading top to bottom gives the dependency graph.
 */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig, runtime: LoggingRuntime): DynamicModule {
    // Adapters, each picked from the configuration.
    const storage = StorageModule.forConfig(config);
    const events = EventsModule.forConfig(config);
    const sandbox = SandboxModule.forConfig(config);

    // Features, each given the adapters and features it works with.
    const executor = ExecutorModule.register({ sandbox });
    const telemetry = TelemetryModule.register({ executor });
    const audit = AuditModule.register({ storage });
    const auth = AuthModule.register({ storage, events, audit });
    const limits = LimitsModule.register({ store: RateLimiterStoreModule });
    const runtimes = RuntimesModule.register({ packages: PackagesModule });
    const versions = VersionsModule.register({ storage, events, crypto: CryptoModule, telemetry, runtimes, executor });
    const functions = FunctionsModule.register({ storage, events, audit, versions, executor });
    const aliases = AliasesModule.register({ storage, events, audit, functions, versions });
    const queue = QueueModule.forConfig(config);
    const invocations = InvocationsModule.register({ storage, queue, events, telemetry, functions, versions, aliases, executor, limits, crypto: CryptoModule });
    const liveMetrics = LiveMetricsModule.register({ events, executor });
    const schedules = SchedulesModule.register({ storage, events, functions, invocations });
    const replay = ReplayModule.register({ functions, versions, invocations, audit });
    const shadow = ShadowModule.register({ storage, telemetry, invocations, aliases, functions, versions, executor });
    const canary = CanaryModule.register({ storage, events, audit, functions, versions, aliases });

    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        LoggingModule.forRoot(runtime),
        GraphQLApiModule.register({
          functions,
          versions,
          invocations,
          liveMetrics,
          auth,
          audit,
          limits,
          executor,
          metrics: MetricsModule,
          schedules,
          aliases,
          replay,
          shadow,
          canary,
        }),
        HttpApiModule.register(
          { functions, versions, invocations, aliases, replay, auth, limits, health: HealthModule, metrics: MetricsModule },
          { metrics: config.observability.metrics },
        ),
      ],
    };
  }
}
