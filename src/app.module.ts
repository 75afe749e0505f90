import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HttpErrorFilter } from '@/common/errors/http-exception.filter.js';
import type { AppConfig } from '@/config/app-config.js';
import { ConfigModule } from '@/config/config.module.js';
import { GraphQLApiModule } from '@/graphql/graphql-api.module.js';
import { CryptoModule } from '@/infrastructure/crypto/crypto.module.js';
import { EventsModule } from '@/infrastructure/events/events.module.js';
import { RedisModule } from '@/infrastructure/redis/redis.module.js';
import { ObservabilityModule, type ObservabilityRuntime } from '@/infrastructure/observability/observability.module.js';
import { StorageModule } from '@/infrastructure/storage/storage.module.js';
import { ExecutorModule } from '@/modules/executor/executor.module.js';
import { AuditModule } from '@/modules/audit/audit.module.js';
import { AuthModule } from '@/modules/auth/auth.module.js';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { LimitsModule } from '@/modules/limits/limits.module.js';
import { InvocationsModule } from '@/modules/invocations/invocations.module.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';

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
