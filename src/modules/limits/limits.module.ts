import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { RateLimitsService } from './rate-limits.service.js';

export interface LimitsModuleImports {
  /** Provides `RateLimiterStore`. */
  store: ModuleImport;
}

/** Request rates, invocation rates and daily quotas. */
@Module({})
export class LimitsModule {
  static register(imports: LimitsModuleImports): DynamicModule {
    return { module: LimitsModule, imports: [imports.store], providers: [RateLimitsService], exports: [RateLimitsService] };
  }
}
