import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PlatformPorts } from '@/kernel/network/platform-ports.js';
import { AppConfig } from './app-config.js';

/**
 * Makes the validated configuration injectable everywhere. The instance is built
 * before Nest starts (see `main.ts`) because it also decides which adapters load.
 */
@Global()
@Module({})
export class ConfigModule {
  static forConfig(config: AppConfig): DynamicModule {
    // The ports the server listens on, known once bound (see `PlatformPorts`).
    const ports = new PlatformPorts([config.port, config.functionsOrigin.port, config.observability.metricsPort]);
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: PlatformPorts, useValue: ports },
      ],
      exports: [AppConfig, PlatformPorts],
    };
  }
}
