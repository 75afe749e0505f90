import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig, ExecutorKind } from '@/kernel/config/app-config.js';
import { DockerSandboxDriver } from '@/adapters/sandbox/docker/docker-sandbox.driver.js';
import { ProcessSandboxDriver } from '@/adapters/sandbox/process/process-sandbox.driver.js';
import { ExecutorService } from './executor.service.js';
import { GenericSandboxPool } from './generic-sandbox-pool.js';
import { SandboxDriver } from './sandbox-driver.js';

const DRIVERS: Record<ExecutorKind, new (config: AppConfig) => SandboxDriver> = {
  process: ProcessSandboxDriver,
  docker: DockerSandboxDriver,
};

/** The executor: sandbox pools on top of the driver chosen by `FNGRAPH_EXECUTOR`. */
@Module({})
export class ExecutorModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: ExecutorModule,
      global: true,
      providers: [{ provide: SandboxDriver, useClass: DRIVERS[config.executor] }, GenericSandboxPool, ExecutorService],
      exports: [ExecutorService, SandboxDriver],
    };
  }
}
