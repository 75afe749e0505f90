import { chmodSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
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
import { ExecutorService } from '@/modules/executor/executor.service.js';
import type { ExecutionOutcome } from '@/modules/executor/execution.types.js';
import type { TestingModule } from '@nestjs/testing';
import { newId } from '@/kernel/ids/new-id.js';
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

/** Runs `source` (CommonJS) once on a fresh nodejs24 sandbox of the module's executor. */
function runOnce(moduleRef: TestingModule, source: string): Promise<ExecutionOutcome> {
  const id = newId();
  const target = {
    versionId: id,
    functionId: id,
    functionName: `isolation-${id.slice(0, 8)}`,
    ownerId: 'isolation-owner',
    version: '1.0.0',
    runtime: 'nodejs24' as const,
    artifact: source,
    environment: {},
    dependenciesDir: null,
    timeoutMs: 10_000,
    memoryLimitMb: 128,
    minInstances: 0,
    maxInstances: 1,
    concurrency: 1,
    eventFormat: 'native' as const,
  };
  const context = { invocationId: id, functionName: target.functionName, version: '1.0.0', deadlineMs: Date.now() + 10_000, traceId: null, traceparent: null };
  const event = { method: 'POST', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false };
  return moduleRef.get(ExecutorService).execute(target, { invocationId: id, event, context, onLog: () => true });
}

/** Every file under `dir` with its contents. */
function snapshotOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'base64'));
  }
  return files;
}

describe("Node.js's compile cache of the shim (process sandboxes)", () => {
  it('is built by the server at start-up, owned by it, and read-only in sandboxes: a function can neither change nor add to it', async () => {
    const { moduleRef, driver } = await startDriver({ FNGRAPH_REQUIRE_ISOLATION: 'true' });
    try {
      await driver.compileCacheSettled();
      expect(driver.isolationSummary.compileCache).toBe(true);
      const hostDir = join(dataDir, 'compile-cache');
      const before = snapshotOf(hostDir);
      expect(before.size).toBeGreaterThan(0);
      for (const path of [hostDir, ...before.keys()]) {
        const stats = statSync(path);
        expect(stats.uid).toBe(process.getuid?.());
        expect(stats.mode & 0o022).toBe(0);
      }
      const outcome = await runOnce(
        moduleRef,
        `const fs = require('node:fs');
        const attempt = (write) => { try { write(); return 'written'; } catch (error) { return error.code; } };
        module.exports = async () => {
          const dir = '/opt/fngraph/compile-cache';
          const versions = fs.readdirSync(dir);
          const cacheDir = dir + '/' + versions.find((name) => name.startsWith('v24.'));
          const entry = cacheDir + '/' + fs.readdirSync(cacheDir)[0];
          return {
            inUse: require('node:module').getCompileCacheDir(),
            versions,
            overwrite: attempt(() => fs.writeFileSync(entry, 'poisoned')),
            create: attempt(() => fs.writeFileSync(cacheDir + '/ffffffff', 'poisoned')),
            remove: attempt(() => fs.unlinkSync(entry)),
            chmod: attempt(() => fs.chmodSync(entry, 0o666)),
          };
        };`,
      );
      expect(outcome.status).toBe('SUCCEEDED');
      expect(outcome.value).toEqual({
        inUse: expect.stringMatching(/^\/opt\/fngraph\/compile-cache\/v24\./),
        // One per Node.js major from 22 on that this host has.
        versions: expect.arrayContaining([expect.stringMatching(/^v24\./)]),
        overwrite: 'EROFS',
        create: 'EROFS',
        remove: 'EROFS',
        chmod: 'EROFS',
      });
      expect(snapshotOf(hostDir)).toEqual(before);
    } finally {
      await moduleRef.close();
    }
  });

  it.runIf(process.getuid?.() === 0)('falls back to sandboxes without it, with a log line, when the sandbox user cannot read it', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const privateDataDir = mkdtempSync(join(tmpdir(), 'fngraph-private-data-'));
    chmodSync(privateDataDir, 0o700);
    const { moduleRef, driver } = await startDriver({ FNGRAPH_DATA_DIR: privateDataDir, FNGRAPH_REQUIRE_ISOLATION: 'true' });
    try {
      await driver.compileCacheSettled();
      expect(driver.isolationSummary.compileCache).toBe(false);
      expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(
        expect.stringMatching(/start without a compile cache of the shim.*cannot reach/),
      );
      const outcome = await runOnce(moduleRef, "module.exports = async () => require('node:fs').existsSync('/opt/fngraph/compile-cache');");
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: false });
    } finally {
      await moduleRef.close();
      warn.mockRestore();
      rmSync(privateDataDir, { recursive: true, force: true });
    }
  });

  it('is not built with FNGRAPH_SANDBOX_COMPILE_CACHE=false', async () => {
    const { moduleRef, driver } = await startDriver({ FNGRAPH_SANDBOX_COMPILE_CACHE: 'false', FNGRAPH_REQUIRE_ISOLATION: 'true' });
    try {
      await driver.compileCacheSettled();
      expect(driver.isolationSummary.compileCache).toBe(false);
      const outcome = await runOnce(moduleRef, "module.exports = async () => require('node:fs').existsSync('/opt/fngraph/compile-cache');");
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: false });
    } finally {
      await moduleRef.close();
    }
  });
});
