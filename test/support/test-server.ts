import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '@/config/app-config.js';
import { createServer, type ServerOptions, startServer } from '@/server.js';

export interface TestServer {
  url: string;
  app: INestApplication;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * A real server on a loopback port with its own data directory (embedded SQLite unless
 * `env` names other stores). Everything it starts is stopped by `close()`.
 */
export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-test-'));
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const app = await createServer(config, options);
  const url = await startServer(app, config);
  return {
    url,
    app,
    config,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
