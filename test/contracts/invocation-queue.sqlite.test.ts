import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { SqliteInvocationQueue } from '@/adapters/queue/sqlite/sqlite-invocation-queue.js';
import { invocationQueueContract, type QueueUnderTest } from './invocation-queue.contract.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function onFile(dataDir: string): QueueUnderTest {
  const queue = new SqliteInvocationQueue(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir, FNGRAPH_JOB_LEASE_SECONDS: '2' }));
  return {
    queue,
    // A killed process: its file handle and timers are gone, its leases stay in the file.
    crash: async () => (queue as unknown as { db: { close(): void } }).db.close(),
    reopen: async () => onFile(dataDir),
    close: () => queue.onApplicationShutdown(),
  };
}

invocationQueueContract('local SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-queue-'));
  dirs.push(dir);
  return onFile(dir);
});
