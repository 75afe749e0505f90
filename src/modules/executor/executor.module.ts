import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { ProcessSandboxDriver } from './drivers/process/process-sandbox.driver.js';
import { ExecutorService } from './executor.service.js';
import { InstanceReporter } from './instance-reporter.js';
import { SandboxDriver } from './sandbox-driver.js';

/** The executor: sandbox pools on top of the driver chosen by `FNGRAPH_EXECUTOR`. */
@Module({})
export class ExecutorModule {
  static forConfig(config: AppConfig): DynamicModule {
    const driver = { process: ProcessSandboxDriver }[config.executor as 'process'];
    if (!driver) throw new Error(`Executor ${config.executor} is not available yet`);
    return {
      module: ExecutorModule,
      global: true,
      providers: [{ provide: SandboxDriver, useClass: driver }, ExecutorService, InstanceReporter],
      exports: [ExecutorService, SandboxDriver],
    };
  }
}
