import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@/kernel/config/app-config.js';
import { KeyRotationModule } from '@/modules/keys/key-rotation.module.js';
import { KeyRotationService, type RotationReport } from '@/modules/keys/key-rotation.service.js';

/** Rewraps every data key under the configured master key (same settings as the server). */
export async function rotateMasterKeys(config: AppConfig): Promise<RotationReport> {
  const app = await NestFactory.createApplicationContext(KeyRotationModule.forConfig(config), { logger: ['error', 'warn'] });
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
  if (report.failed.length > 0) {
    process.stderr.write(`${report.failed.length} version(s) are sealed under a master key that is not configured; add it to FNGRAPH_PREVIOUS_MASTER_KEYS and run again\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
