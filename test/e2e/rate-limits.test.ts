import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { graphql } from '../support/graphql-client.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Tests read the environment directly on purpose: it says which services this run has.
const redisUrl = process.env.REDIS_URL?.trim() || undefined;
const servicesRequired = process.env.FNGRAPH_REQUIRE_SERVICES === '1';

const ME = '{ me { subject } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two server processes' worth of servers: one store (a shared SQLite file), one Redis, one key prefix. */
async function twoNodes(limits: Record<string, string>): Promise<{ a: TestServer; b: TestServer; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-limits-'));
  const env = {
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    FNGRAPH_BOOTSTRAP_ADMIN_KEY: newApiKeyToken(),
    REDIS_URL: redisUrl!,
    FNGRAPH_RATE_LIMIT_KEY_PREFIX: `fngraph-test:${process.pid}:${randomBytes(4).toString('hex')}`,
    ...limits,
  };
  const a = await startTestServer(env);
  const b = await startTestServer(env);
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function call(server: TestServer, token: string | null): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: ME }),
  });
}

if (!redisUrl && servicesRequired) {
  describe('rate limits across nodes', () => {
    it('needs Redis', () => {
      throw new Error('REDIS_URL is not set, and FNGRAPH_REQUIRE_SERVICES=1 forbids skipping the shared rate-limit tests');
    });
  });
} else {
  if (!redisUrl) console.warn('[rate-limits.test] REDIS_URL is not set: SKIPPING the rate-limit tests across two nodes');

  describe.skipIf(!redisUrl)('rate limits shared by two nodes on one Redis', () => {
    describe('per credential and per client address', () => {
      let nodes: Awaited<ReturnType<typeof twoNodes>>;
      let token: string;
      beforeAll(async () => {
        nodes = await twoNodes({ FNGRAPH_RATE_LIMIT_REQUESTS: '5', FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '3', FNGRAPH_RATE_LIMIT_WINDOW_SECONDS: '2' });
        token = await createKey(nodes.a.url, 'rita', ['viewer']);
      });
      afterAll(() => nodes.close());

      it('answers 429 with Retry-After once the credential used its requests on either node, then recovers', async () => {
        for (const server of [nodes.a, nodes.b, nodes.a, nodes.b, nodes.a]) expect((await call(server, token)).status).toBe(200);
        for (const server of [nodes.b, nodes.a]) {
          const refused = await call(server, token);
          expect(refused.status).toBe(429);
          const retryAfter = Number(refused.headers.get('retry-after'));
          expect(retryAfter).toBeGreaterThanOrEqual(1);
          expect(retryAfter).toBeLessThanOrEqual(2);
          expect((await refused.json()).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
        }
        // Another credential is not affected.
        expect((await call(nodes.b, nodes.a.adminKey)).status).toBe(200);
        await sleep(2200);
        expect((await call(nodes.b, token)).status).toBe(200);
      });

      it('limits requests without credentials per client address, on every path', async () => {
        await register(nodes.a.url, 'open', 'export default async () => "hi"');
        const statuses: number[] = [];
        for (const server of [nodes.a, nodes.b, nodes.a, nodes.b]) statuses.push((await fetch(`${server.url}/fn/open`)).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const refused = await fetch(`${nodes.a.url}/fn/open`);
        expect(refused.headers.get('retry-after')).toMatch(/^[12]$/);
        expect((await refused.json()).error.code).toBe('RATE_LIMITED');
        await sleep(2200);
        expect((await fetch(`${nodes.b.url}/fn/open`)).status).toBe(200);
      });
    });

    describe('per function and per owner per day', () => {
      let nodes: Awaited<ReturnType<typeof twoNodes>>;
      let owner: string;
      beforeAll(async () => {
        nodes = await twoNodes({
          FNGRAPH_RATE_LIMIT_FUNCTION_INVOCATIONS: '3',
          FNGRAPH_RATE_LIMIT_WINDOW_SECONDS: '2',
          FNGRAPH_QUOTA_DAILY_INVOCATIONS_PER_OWNER: '8',
        });
        owner = await createKey(nodes.a.url, 'quinn', ['developer']);
        await register(nodes.a.url, 'hot', 'export default async () => "hot"', {}, owner);
        await register(nodes.a.url, 'cold', 'export default async () => "cold"', {}, owner);
      });
      afterAll(() => nodes.close());

      it('limits invocations of one function across nodes (REST 429, GraphQL RATE_LIMITED), then recovers', async () => {
        for (const server of [nodes.a, nodes.b, nodes.a]) expect((await fetch(`${server.url}/fn/hot`)).status).toBe(200);
        const refused = await fetch(`${nodes.b.url}/fn/hot`);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toMatch(/^[12]$/);
        const viaGraphql = await graphql(nodes.a.url, 'mutation { invokeFunction(input: { name: "hot" }) { status } }');
        expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
        expect((await fetch(`${nodes.a.url}/fn/cold`)).status).toBe(200);
        await sleep(2200);
        expect((await fetch(`${nodes.b.url}/fn/hot`)).status).toBe(200);
      });

      it("stops an owner's functions for the day once the daily quota is used (QUOTA_EXCEEDED)", async () => {
        // 5 invocations so far (3 + 1 + 1 after the window; refused ones do not count); 3 more reach the quota of 8,
        // alternating functions to stay under the per-function rate.
        for (const [server, name] of [
          [nodes.a, 'hot'],
          [nodes.b, 'cold'],
          [nodes.a, 'hot'],
        ] as const) {
          expect((await fetch(`${server.url}/fn/${name}`)).status).toBe(200);
        }
        const refused = await fetch(`${nodes.b.url}/fn/cold`);
        expect(refused.status).toBe(429);
        expect((await refused.json()).error.code).toBe('QUOTA_EXCEEDED');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(86400);
        await register(nodes.a.url, 'fresh', 'export default async () => "fresh"', {}, owner);
        const viaGraphql = await graphql(nodes.a.url, 'mutation { invokeFunction(input: { name: "fresh" }) { status } }');
        expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED' });
      });
    });
  });
}
