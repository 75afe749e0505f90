import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken, rememberAdminKey } from '../support/credentials.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** A small tmpfs of its own: the disk this drill fills (needs root, as the test command runs). */
function mountSmallDisk(): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0711', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return null;
  }
}

/** Writes until the disk says it is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

const disk = mountSmallDisk();

/**
 * Disk full under the embedded store: the node goes unready and refuses what it cannot
 * record (never answers 200 for a record it only holds in memory), then recovers by
 * itself once space is back, with every answered call's record on disk.
 */
describe.skipIf(disk === null)('fault drill: disk full (embedded SQLite)', () => {
  const dataDir = join(disk ?? '', 'data');
  const filler = join(disk ?? '', 'filler');
  const adminKey = newApiKeyToken();
  const env = { FNGRAPH_DATA_DIR: dataDir, FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey, FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64') };
  let server: ServerProcess;

  const start = async () => {
    server = await startServerProcess(env);
    rememberAdminKey(server.url, adminKey);
  };

  beforeAll(async () => {
    await start();
    await register(server.url, 'tiny', 'export default async () => ({ ok: true })');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (disk) {
      execFileSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  it('refuses calls and goes unready while the disk is full, then recovers with nothing lost', async () => {
    const answered: string[] = [];
    const call = async () => {
      const response = await fetch(`${server.url}/fn/tiny`);
      const body = (await response.json()) as { error?: { code: string } };
      if (response.status === 200) answered.push(response.headers.get('x-fngraph-invocation-id') as string);
      return { status: response.status, code: body.error?.code };
    };
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);

    fillDisk(filler);
    let refused: { status: number; code?: string } | undefined;
    for (let i = 0; i < 5000 && !refused; i++) {
      const outcome = await call();
      if (outcome.status !== 200) refused = outcome;
    }
    expect(refused).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('invocationRecords');
    // Refused up front now, not run and then lost.
    expect(await call()).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });

    rmSync(filler);
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${server.url}/health/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the node did not become ready again after the disk was freed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);

    // From the file, after a restart: every call answered 200 has its record, SUCCEEDED.
    await server.stop();
    await start();
    const ids = [...new Set(answered)];
    for (const id of ids) {
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status } }', { id });
      expect(invocation?.status, `invocation ${id}`).toBe('SUCCEEDED');
    }
  }, 120_000);
});
