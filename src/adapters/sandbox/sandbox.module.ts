import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig, ExecutorKind } from '@/kernel/config/app-config.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';
import { HealthModule } from '@/modules/health/health.module.js';
import { DockerSandboxDriver } from './docker/docker-sandbox.driver.js';
import { ProcessSandboxDriver } from './process/process-sandbox.driver.js';
import { SandboxHealthCheck } from './sandbox-health-check.js';

const DRIVERS: Record<ExecutorKind, new (config: AppConfig) => SandboxDriver> = {
  process: ProcessSandboxDriver,
  docker: DockerSandboxDriver,
};

/** The sandbox driver chosen by `FNGRAPH_EXECUTOR`: bubblewrap-isolated processes, or Docker containers. */
@Module({})
export class SandboxModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: SandboxModule,
      imports: [HealthModule],
      providers: [{ provide: SandboxDriver, useClass: DRIVERS[config.executor] }, SandboxHealthCheck],
      exports: [SandboxDriver],
    };
  }
}
