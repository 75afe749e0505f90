import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { EgressGateways } from '@/modules/egress/egress-gateways.js';
import { EgressStats } from '@/modules/egress/egress-stats.js';
import { ExecutorService } from './executor.service.js';
import { GenericSandboxPool } from './generic-sandbox-pool.js';
import { RuntimeAvailability } from './runtime-availability.service.js';
import { SandboxOutputStats } from './sandbox-output-stats.js';

export interface ExecutorModuleImports {
  /** Provides `SandboxDriver`. */
  sandbox: ModuleImport;
}

/** The executor: warm sandbox pools on top of a sandbox driver. */
@Module({})
export class ExecutorModule {
  static register(imports: ExecutorModuleImports): DynamicModule {
    return {
      module: ExecutorModule,
      imports: [imports.sandbox],
      providers: [SandboxOutputStats, EgressStats, EgressGateways, GenericSandboxPool, ExecutorService, RuntimeAvailability],
      exports: [ExecutorService, RuntimeAvailability, EgressStats],
    };
  }
}
