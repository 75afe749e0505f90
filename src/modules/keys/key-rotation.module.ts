import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { KeyRotationService } from './key-rotation.service.js';

export interface KeyRotationModuleImports {
  /** Provides `VersionRepository` and `SealedInvocationRepository`. */
  storage: ModuleImport;
  /** Provides `EnvelopeCipher`. */
  crypto: ModuleImport;
  audit: ModuleImport;
}

/** Rewrapping every sealed version under the current master key (`npm run rotate-keys`). */
@Module({})
export class KeyRotationModule {
  static register(imports: KeyRotationModuleImports): DynamicModule {
    return {
      module: KeyRotationModule,
      imports: [imports.storage, imports.crypto, imports.audit],
      providers: [KeyRotationService],
      exports: [KeyRotationService],
    };
  }
}
