import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, packageManagerEnvironment } from '@/kernel/config/app-config.js';
import { createServer, type ServerOptions, startServer } from '@/server.js';
import { forgetAdminKey, newApiKeyToken, rememberAdminKey } from './credentials.js';
import { queueNameFor } from './server-process.js';

export interface TestServer {
  url: string;
  app: INestApplication;
  config: AppConfig;
  /** The bootstrap admin key; the test helpers send it by default. */
  adminKey: string;
  close(): Promise<void>;
}

/**
 * A real server on a loopback port with its own data directory (embedded SQLite unless
 * `env` names other stores), with a bootstrap admin key the helpers send by default and
 * no request rate limits unless `env` sets them. Everything it starts is stopped by
 * `close()`; a data directory given as `FNGRAPH_DATA_DIR` (to restart on the same data) is kept.
 */
export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const ownDataDir = env.FNGRAPH_DATA_DIR === undefined;
  const dataDir = env.FNGRAPH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'fngraph-test-'));
  // Traversable, not listable: process sandboxes run as another user (when the tests run
  // as root) and must reach the dependency cache inside, like a production data dir.
  if (ownDataDir) chmodSync(dataDir, 0o711);
  const config = AppConfig.fromEnvironment({
    // What npm and pip need to reach their registries from this machine (CA bundles, proxies).
    ...packageManagerEnvironment(process.env),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    FNGRAPH_BOOTSTRAP_ADMIN_KEY: newApiKeyToken(),
    FNGRAPH_RATE_LIMIT_REQUESTS: '0',
    FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '0',
    FNGRAPH_QUEUE_NAME: queueNameFor(env.MONGODB_URI ?? dataDir),
    ...env,
  });
  const adminKey = config.auth.bootstrapAdminKey!;
  const app = await createServer(config, options);
  const url = await startServer(app, config);
  rememberAdminKey(url, adminKey);
  return {
    url,
    app,
    config,
    adminKey,
    async close() {
      forgetAdminKey(url);
      await app.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
