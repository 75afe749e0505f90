import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { createServer } from '@/server.js';

/**
 * Runs `use` on a server with the default settings and a throw-away data directory, then
 * closes it: what the committed schema and reference documents are printed from (they show
 * the limits of a server without settings).
 */
export async function withDefaultServer<T>(use: (app: INestApplication) => T): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-default-server-'));
  try {
    const app = await createServer(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir }));
    try {
      return use(app);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
