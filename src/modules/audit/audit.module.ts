import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { AuditService } from './audit.service.js';

export interface AuditModuleImports {
  /** Provides `AuditRepository`. */
  storage: ModuleImport;
}

/** Who did what to which resource, when and from where: written by every management action. */
@Module({})
export class AuditModule {
  static register(imports: AuditModuleImports): DynamicModule {
    return { module: AuditModule, imports: [imports.storage], providers: [AuditService], exports: [AuditService] };
  }
}
