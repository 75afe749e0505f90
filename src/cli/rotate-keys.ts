import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ConfigModule } from '@/kernel/config/config.module.js';
import { AuditModule } from '@/modules/audit/audit.module.js';
import { KeyRotationModule } from '@/modules/keys/key-rotation.module.js';
import { KeyRotationService, type RotationReport } from '@/modules/keys/key-rotation.service.js';
import { CryptoModule } from '@/adapters/crypto/crypto.module.js';
import { createLogger } from '@/adapters/observability/logging/create-logger.js';
import { LoggingModule, type LoggingRuntime } from '@/adapters/observability/logging/logging.module.js';
import { StorageModule } from '@/adapters/storage/storage.module.js';

/** Just what the rotation needs: the store, the keys and the audit log; no HTTP server, no executor. */
@Module({})
class KeyRotationRoot {
  static forConfig(config: AppConfig, runtime: LoggingRuntime): DynamicModule {
    const storage = StorageModule.forConfig(config);
    return {
      module: KeyRotationRoot,
      imports: [
        ConfigModule.forConfig(config),
        LoggingModule.forRoot(runtime),
        KeyRotationModule.register({ storage, crypto: CryptoModule, audit: AuditModule.register({ storage }) }),
      ],
    };
  }
}

/** Rewraps every data key under the configured master key (same settings as the server). */
export async function rotateMasterKeys(config: AppConfig): Promise<RotationReport> {
  const logger = await createLogger({ ...config.observability, logLevel: 'warn' });
  const app = await NestFactory.createApplicationContext(KeyRotationRoot.forConfig(config, { logger }), { logger: ['error', 'warn'] });
  try {
    return await app.get(KeyRotationService).rotate();
  } finally {
    await app.close();
  }
}

/**
 * `npm run rotate-keys`: with FNGRAPH_MASTER_KEY = the new key and FNGRAPH_PREVIOUS_MASTER_KEYS
 * holding the old one(s), on the same store as the servers (which keep serving meanwhile).
 */
async function main(): Promise<void> {
  const config = AppConfig.fromProcessOrExit();
  const report = await rotateMasterKeys(config);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  const failed = report.failed.length + report.invocationPayloadsFailed.length;
  if (failed > 0) {
    process.stderr.write(
      `${report.failed.length} version(s) and ${report.invocationPayloadsFailed.length} invocation payload(s) are sealed under a master key that is not configured; add it to FNGRAPH_PREVIOUS_MASTER_KEYS and run again\n`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
