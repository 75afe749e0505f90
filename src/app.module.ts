import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HttpErrorFilter } from './api/http/http-error.filter.js';
import type { AppConfig } from './kernel/config/app-config.js';
import { ConfigModule } from './kernel/config/config.module.js';
import { GraphQLApiModule } from './api/graphql/graphql-api.module.js';
import { CryptoModule } from './adapters/crypto/crypto.module.js';
import { EventsModule } from './adapters/events/events.module.js';
import { RedisModule } from './adapters/redis/redis.module.js';
import { ObservabilityModule, type ObservabilityRuntime } from './adapters/observability/observability.module.js';
import { StorageModule } from './adapters/storage/storage.module.js';
import { ExecutorModule } from './modules/executor/executor.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { FunctionsModule } from './modules/functions/functions.module.js';
import { LimitsModule } from './modules/limits/limits.module.js';
import { InvocationsModule } from './modules/invocations/invocations.module.js';
import { VersionsModule } from './modules/versions/versions.module.js';

/** The whole server for one configuration; adapters are chosen here, once. */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig, runtime: ObservabilityRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        StorageModule.forConfig(config),
        RedisModule,
        EventsModule.forConfig(config),
        ExecutorModule.forConfig(config),
        CryptoModule,
        AuditModule,
        AuthModule,
        LimitsModule,
        VersionsModule,
        FunctionsModule,
        InvocationsModule,
        GraphQLApiModule,
        ObservabilityModule.forRoot(config, runtime),
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
