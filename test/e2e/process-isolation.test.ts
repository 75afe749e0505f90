import { chmodSync, linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ProcessSandboxDriver } from '@/adapters/sandbox/process/process-sandbox.driver.js';
import { findExecutable } from '@/adapters/sandbox/process/find-executable.js';
import { ExecutorModule } from '@/modules/executor/executor.module.js';
import { SandboxModule } from '@/adapters/sandbox/sandbox.module.js';
import { testKernelModules } from '../support/recorded-errors.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';
import { createServer, startServer } from '@/server.js';
import { newApiKeyToken } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { startServerProcess } from '../support/server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-isolation-'));
chmodSync(dataDir, 0o711);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function configWith(env: Record<string, string>): AppConfig {
  return AppConfig.fromEnvironment({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', FNGRAPH_DATA_DIR: dataDir, ...env });
}

async function startDriver(env: Record<string, string>) {
  const config = configWith(env);
  const moduleRef = await Test.createTestingModule({
    imports: [...testKernelModules(config), ExecutorModule.register({ sandbox: SandboxModule.forConfig(config) })],
  }).compile();
  await moduleRef.init();
  return { moduleRef, driver: moduleRef.get(SandboxDriver) as ProcessSandboxDriver };
}

describe('process executor isolation', () => {
  it('refuses to start the server without bubblewrap when FNGRAPH_REQUIRE_ISOLATION=true', async () => {
    const config = configWith({ FNGRAPH_SANDBOX_BWRAP_BINARY: '/nonexistent/bwrap', FNGRAPH_REQUIRE_ISOLATION: 'true' });
    // The server initialises its modules while it is created (the sandbox driver checks then).
    let app: Awaited<ReturnType<typeof createServer>> | undefined;
    try {
      await expect(
        (async () => {
          app = await createServer(config);
          await startServer(app, config);
        })(),
      ).rejects.toThrow(/isolation is WEAK.*FNGRAPH_REQUIRE_ISOLATION=true/);
    } finally {
      await app?.close();
    }
  });

  it('warns loudly without bubblewrap, and still runs sandboxes', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const { moduleRef, driver } = await startDriver({ FNGRAPH_SANDBOX_BWRAP_BINARY: '/nonexistent/bwrap' });
    try {
      expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringMatching(/bubblewrap .* is not installed.*isolation is WEAK/));
      expect(driver.isolationSummary.bubblewrap).toBe(false);
      const handle = await driver.start({ runtime: 'nodejs24', memoryLimitMb: 64, label: 'weak', dependenciesDir: null });
      const ready = await new Promise<string>((resolve) => handle.protocol.once('data', (chunk) => resolve(String(chunk))));
      expect(ready).toContain('"ready"');
      handle.kill();
      await handle.exited;
    } finally {
      warn.mockRestore();
      await moduleRef.close();
    }
  });

  it('runs an interpreter that lives under /tmp (a checkout there holds its own Node.js) inside bubblewrap', async () => {
    // A hard link: the realpath stays under /tmp, where the sandbox has its private tmpfs.
    const checkout = mkdtempSync(join(tmpdir(), 'fngraph-checkout-'));
    chmodSync(checkout, 0o755);
    mkdirSync(join(checkout, 'bin'));
    linkSync(realpathSync(process.execPath), join(checkout, 'bin', 'node'));
    const { moduleRef, driver } = await startDriver({ FNGRAPH_NODE_BINARIES: join(checkout, 'bin', 'node'), FNGRAPH_REQUIRE_ISOLATION: 'true' });
    try {
      expect(driver.isolationSummary.bubblewrap).toBe(true);
      const runtime = `nodejs${process.versions.node.split('.')[0]}` as 'nodejs24';
      expect(await driver.availableRuntimes()).toEqual([runtime, 'python3.11']);
      const handle = await driver.start({ runtime, memoryLimitMb: 64, label: 'under-tmp', dependenciesDir: null });
      const ready = await new Promise<string>((resolve) => handle.protocol.once('data', (chunk) => resolve(String(chunk))));
      expect(ready).toContain('"ready"');
      handle.kill();
      await handle.exited;
    } finally {
      await moduleRef.close();
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('names the directory in the way when the sandbox user cannot reach a dependency cache', async () => {
    const hidden = mkdtempSync(join(dataDir, 'private-'));
    const dependencies = join(hidden, 'deps');
    mkdirSync(dependencies, { mode: 0o755 });
    const { moduleRef, driver } = await startDriver({});
    try {
      const start = driver.start({ runtime: 'nodejs24', memoryLimitMb: 64, label: 'unreachable', dependenciesDir: dependencies });
      if (process.getuid?.() === 0) {
        // As root the sandbox runs as FNGRAPH_SANDBOX_UID, which cannot traverse a 0700 directory.
        await expect(start).rejects.toThrow(`cannot reach the dependency cache at ${dependencies}: ${hidden} is not traversable by uid 10001`);
      } else {
        const handle = await start;
        handle.kill();
        await handle.exited;
      }
      expect(driver.liveSandboxes).toBe(0);
    } finally {
      await moduleRef.close();
    }
  });

  it('passes none of the descriptors the server inherited from its launcher on to sandboxes', async () => {
    const adminKey = newApiKeyToken();
    const server = await startServerProcess({ FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey }, { inheritedPipe: true });
    try {
      // The function lists its descriptors that would survive an exec: only inherited ones do.
      const source = `import fs from "node:fs";
        export default async () => fs.readdirSync("/proc/self/fdinfo").map(Number).filter((fd) => {
          try { return fd > 2 && (parseInt(/flags:\\s+([0-7]+)/.exec(fs.readFileSync("/proc/self/fdinfo/" + fd, "utf8"))[1], 8) & 0o2000000) === 0; }
          catch { return false; }
        })`;
      await register(server.url, 'fd-census', source, {}, adminKey);
      const response = await fetch(`${server.url}/fn/fd-census`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('uses bubblewrap and a limit mechanism wherever they work', async () => {
    const { moduleRef, driver } = await startDriver({});
    try {
      expect(driver.isolationSummary.bubblewrap).toBe(findExecutable('bwrap') !== null);
      expect(driver.isolationSummary.limits).not.toBe('none');
      expect(driver.liveSandboxes).toBe(0);
    } finally {
      await moduleRef.close();
    }
  });
});
