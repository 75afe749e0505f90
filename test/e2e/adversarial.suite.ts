import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorKind } from '@/kernel/config/app-config.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { scrape } from '../support/prometheus.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/adversarial/', import.meta.url));
const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SENTINEL = 'FNGRAPH_ADVERSARIAL_SENTINEL';
const MAX_LOG_LINES = 200;

const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.js`), 'utf8');
const config = (timeout: number, memoryLimit = 128) => ({ executionConfig: { timeout, memoryLimit, environmentVariables: {} } });

/** A result that means "the sandbox could do it". */
const SUCCESS = /^(READ|WRITTEN|CONNECTED|RESOLVED)/;

const isUnderTmp = (dir: string) => dir === '/tmp' || dir.startsWith('/tmp/');
/** Files the write-files fixture left in a host directory (none, when the sandbox held). */
const filesWrittenIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('fngraph-adversarial-')) : []);

async function call(url: string, name: string, init: { body?: string; query?: string } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/fn/${name}${init.query ?? ''}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'text/plain' },
    body: init.body,
  });
  // A string result comes back as text; anything else as JSON.
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, body: json ? await response.json() : await response.text() };
}

async function invocation(url: string, id: string): Promise<any> {
  const query = `query($id: ID!) { invocation(id: $id) { status error { type message } logs { message } logsTruncated } }`;
  return (await graphqlData(url, query, { id })).invocation;
}

/**
 * Hostile functions, each through a real server and `/fn/:name`: every one must end
 * safely and leave the platform serving.
 */
export function adversarialSuite(kind: ExecutorKind, env: Record<string, string> = {}): void {
  describe(`adversarial functions: ${kind} executor`, () => {
    let server: TestServer;

    beforeAll(async () => {
      process.env[SENTINEL] = 'test-process-secret';
      server = await startTestServer({
        FNGRAPH_EXECUTOR: kind,
        FNGRAPH_MAX_LOG_LINES: String(MAX_LOG_LINES),
        // A flood is stopped by bytes whatever its speed (on a loaded machine it may never outrun the rate limit).
        FNGRAPH_SANDBOX_OUTPUT_MAX_BYTES: String(8 * 1024 * 1024),
        [SENTINEL]: 'server-config-secret',
        ...env,
      });
      // Readable by anyone, so only the sandbox's view of the filesystem protects them.
      const { dataDir } = server.config;
      if (!existsSync(join(dataDir, 'master.key'))) writeFileSync(join(dataDir, 'master.key'), 'decoy master key');
      chmodSync(dataDir, 0o755);
      for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);
      await register(server.url, 'normal', 'export default async (event) => ({ ok: true, method: event.method })');
    });

    afterAll(async () => {
      await server?.close();
      delete process.env[SENTINEL];
    });

    async function expectServing(): Promise<void> {
      const { status, body } = await call(server.url, 'normal');
      expect(status).toBe(200);
      expect(body).toEqual({ ok: true, method: 'GET' });
    }

    it('cannot reach the network: not the host loopback, not a public address, not DNS', async () => {
      const listener: Server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      let connections = 0;
      await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
      const { port } = listener.address() as { port: number };
      try {
        await register(server.url, 'network-egress', fixture('network-egress'), config(15));
        const { status, body } = await call(server.url, 'network-egress', { query: `?port=${port}` });
        expect(status).toBe(200);
        expect(body.loopback).not.toMatch(SUCCESS);
        expect(body.publicAddress).not.toMatch(SUCCESS);
        expect(body.lookup).not.toMatch(SUCCESS);
        expect(connections).toBe(0);
      } finally {
        listener.close();
      }
    });

    it("cannot read host secrets, the platform's data directory or its source and configuration", async () => {
      const { dataDir } = server.config;
      const secrets = [
        '/etc/shadow',
        '/root',
        join(dataDir, 'master.key'),
        join(dataDir, 'fngraph.sqlite'),
        dataDir,
        join(REPO_ROOT, 'package.json'),
        join(REPO_ROOT, 'src/kernel/config/config.validation.ts'),
        join(REPO_ROOT, 'src'),
      ];
      await register(server.url, 'read-files', fixture('read-files'));
      const { status, body } = await call(server.url, 'read-files', { body: JSON.stringify([...secrets, '/opt/fngraph/shims']) });
      expect(status).toBe(200);
      for (const path of secrets) expect({ path, result: body[path] }).toEqual({ path, result: expect.not.stringMatching(SUCCESS) });
      // The shims are meant to be visible (read-only): the probe itself works.
      expect(body['/opt/fngraph/shims']).toMatch(/^READ .*node/);
    });

    it('cannot write outside /tmp', async () => {
      const outside = ['/', '/usr', '/etc', '/opt/fngraph/shims', '/home', '/var', '/dev', server.config.dataDir, REPO_ROOT];
      await register(server.url, 'write-files', fixture('write-files'));
      const { status, body } = await call(server.url, 'write-files', { body: JSON.stringify([...outside, '/tmp']) });
      expect(status).toBe(200);
      for (const dir of outside) {
        // A checkout under /tmp (a CI clone) lies inside the sandbox's private /tmp, where a write is allowed and stays in the sandbox.
        if (!isUnderTmp(dir)) expect({ dir, result: body[dir] }).toEqual({ dir, result: expect.not.stringMatching(SUCCESS) });
        expect({ dir, written: filesWrittenIn(dir) }).toEqual({ dir, written: [] });
      }
      expect(body['/tmp']).toBe('WRITTEN');
    });

    it('contains a fork bomb within the pids limit while the platform keeps serving', async () => {
      await register(server.url, 'fork-bomb', fixture('fork-bomb'), config(6));
      const bomb = call(server.url, 'fork-bomb');
      await new Promise((r) => setTimeout(r, 1000));
      await expectServing();
      const { status, body } = await bomb;
      expect(status).toBe(504);
      const record = await invocation(server.url, body.invocationId);
      expect(record.status).toBe('TIMED_OUT');
      const report = record.logs.map((l: { message: string }) => l.message).find((m: string) => m.startsWith('{"started"'));
      expect(report, 'the bomb reports how far it got').toBeDefined();
      // Process creation failed: the limit stopped the bomb, not the clock.
      expect(JSON.parse(report).failed).toBeGreaterThan(0);
      await expectServing();
    });

    it('ends a memory bomb as OOM_KILLED', async () => {
      await register(server.url, 'memory-bomb', fixture('memory-bomb'), config(20, 64));
      const { status, body } = await call(server.url, 'memory-bomb');
      expect(status).toBe(502);
      expect(body.error.code).toBe('FUNCTION_OOM_KILLED');
      expect((await invocation(server.url, body.invocationId)).status).toBe('OOM_KILLED');
      await expectServing();
    });

    it('ends an infinite loop as TIMED_OUT and answers the next call', async () => {
      await register(server.url, 'infinite-loop', fixture('infinite-loop'), config(1));
      const looping = await call(server.url, 'infinite-loop', { body: 'loop' });
      expect(looping.status).toBe(504);
      expect((await invocation(server.url, looping.body.invocationId)).status).toBe('TIMED_OUT');
      const next = await call(server.url, 'infinite-loop');
      expect(next).toEqual({ status: 200, body: 'still here' });
    });

    it('caps a log flood and marks the log truncated', async () => {
      await register(server.url, 'log-flood', fixture('log-flood'), config(60));
      const response = await fetch(`${server.url}/fn/log-flood`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('flooded');
      const record = await invocation(server.url, response.headers.get('x-fngraph-invocation-id')!);
      expect(record.status).toBe('SUCCEEDED');
      expect(record.logs).toHaveLength(MAX_LOG_LINES);
      expect(record.logsTruncated).toBe(true);
      await expectServing();
    });

    it("is killed when it floods its output, during and after returning, while another tenant's calls go on", async () => {
      const tenantA = await createKey(server.url, 'tenant-a', ['developer']);
      const tenantB = await createKey(server.url, 'tenant-b', ['developer']);
      await register(server.url, 'output-flood', fixture('output-flood'), config(10), tenantA);
      await register(server.url, 'tenant-b-tiny', 'export default async () => "tiny"', config(5), tenantB);
      expect(await call(server.url, 'tenant-b-tiny')).toEqual({ status: 200, body: 'tiny' });
      const before = await scrape(server.url);

      // Returns at once, its flood going on after (then frozen with its sandbox, or killed).
      expect(await call(server.url, 'output-flood', { query: '?mode=after' })).toEqual({ status: 200, body: 'returned' });
      // Floods and never answers by itself.
      const flooding = call(server.url, 'output-flood', { query: '?mode=during' });
      const tiny = [];
      for (let i = 0; i < 20; i++) tiny.push(await call(server.url, 'tenant-b-tiny'));
      expect(tiny).toEqual(Array.from({ length: 20 }, () => ({ status: 200, body: 'tiny' })));

      const flooded = await flooding;
      expect(flooded.status).toBe(502);
      const record = await invocation(server.url, flooded.body.invocationId);
      expect(record.status).toBe('FAILED');
      expect(record.error).toMatchObject({ type: 'OutputFlood', message: expect.stringMatching(/log flood/) });

      const killed = await scrape(server.url);
      expect(killed.value('fngraph_sandbox_output_floods_total')).toBeGreaterThan(before.value('fngraph_sandbox_output_floods_total'));
      // What the server read of the flood is bounded by the budget (a burst of 8 MiB, then the kill), not by the flood.
      const read = killed.value('fngraph_sandbox_output_bytes_total') - before.value('fngraph_sandbox_output_bytes_total');
      expect(read).toBeLessThan(32 * 1024 * 1024);
      // And it stopped.
      await new Promise((r) => setTimeout(r, 1000));
      const later = await scrape(server.url);
      expect(later.value('fngraph_sandbox_output_bytes_total') - killed.value('fngraph_sandbox_output_bytes_total')).toBeLessThan(64 * 1024);
      await expectServing();
    });

    it("cannot see the platform's environment variables", async () => {
      await register(server.url, 'read-environment', fixture('read-environment'), {
        executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: { OWN: 'mine' } },
      });
      const { status, body } = await call(server.url, 'read-environment');
      expect(status).toBe(200);
      expect(body.env).toEqual({ OWN: 'mine' });
      expect(JSON.stringify(body)).not.toContain(SENTINEL);
      expect(JSON.stringify(body)).not.toContain('secret');
      expect(JSON.stringify(body)).not.toContain(server.config.dataDir);
    });

    it('still serves a normal function after all of them', async () => {
      await expectServing();
    });
  });
}
