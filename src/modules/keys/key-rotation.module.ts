import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { ConfigModule } from '@/kernel/config/config.module.js';
import { CryptoModule } from '@/adapters/crypto/crypto.module.js';
import { StorageModule } from '@/adapters/storage/storage.module.js';
import { AuditModule } from '@/modules/audit/audit.module.js';
import { KeyRotationService } from './key-rotation.service.js';

/** Just what the rotation command needs: no HTTP server, no executor. */
@Module({})
export class KeyRotationModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: KeyRotationModule,
      imports: [ConfigModule.forConfig(config), StorageModule.forConfig(config), CryptoModule, AuditModule],
      providers: [KeyRotationService],
      exports: [KeyRotationService],
    };
  }
}
