import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { graphql } from '../support/graphql-client.js';
import { scrape } from '../support/prometheus.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/**
 * Admission control of sandboxes (issue 11, item 4): the pre-warm quota per owner at
 * registration, old versions never kept warm, per-owner caps and the node's memory budget
 * when sandboxes start. Small limits (64 MB sandboxes) keep it cheap.
 */

const MiB = 1024 * 1024;
/** Short autoscaling windows, so that idle sandboxes scale down within a test. */
const FAST_SCALING = { FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS: '2', FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS: '1', FNGRAPH_AUTOSCALE_TICK_MS: '200' };
const small = { memoryLimit: 64, timeout: 20 };
const quick = 'export default async () => "ok"';
const slow = 'export default async () => { await new Promise((r) => setTimeout(r, 3000)); return "slow"; }';

describe('pre-warm quota per owner (FNGRAPH_OWNER_PREWARM_MEMORY_MB)', () => {
  let server: TestServer;
  let tenantA: string;
  let tenantB: string;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_OWNER_PREWARM_MEMORY_MB: '192' });
    tenantA = await createKey(server.url, 'quota-tenant-a', ['developer']);
    tenantB = await createKey(server.url, 'quota-tenant-b', ['developer']);
  });
  afterAll(() => server?.close());

  it('refuses a registration whose minInstances × memoryLimit would exceed the owner quota, with used, asked and allowed', async () => {
    await register(server.url, 'warm-one', quick, { executionConfig: { ...small, minInstances: 2 } }, tenantA);

    const refused = await registerRest(server.url, functionDocument('warm-two', quick, { executionConfig: { ...small, minInstances: 2 } }), tenantA);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(refused.body.error.message).toMatch(/128 MB.*128 MB.*192 MB/);

    // Another owner has a quota of its own.
    expect((await registerRest(server.url, functionDocument('warm-other', quick, { executionConfig: { ...small, minInstances: 2 } }), tenantB)).status).toBe(
      201,
    );
    // Without minInstances the same function is welcome.
    expect((await registerRest(server.url, functionDocument('warm-two', quick, { executionConfig: small }), tenantA)).status).toBe(201);
  });

  it('counts a new version instead of the one it replaces, for updates (GraphQL) and new versions (REST)', async () => {
    const fn = await register(server.url, 'warm-update', quick, { executionConfig: { ...small, minInstances: 0 } }, tenantB);
    const update = (minInstances: number) =>
      graphql(
        server.url,
        'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { id } }',
        { id: fn.id, input: { executionConfig: { minInstances } } },
        tenantB,
      );
    // tenant B keeps 128 MB warm (warm-other): one more 64 MB sandbox fits, two do not.
    const over = await update(2);
    expect(over.errors?.[0]?.extensions?.code).toBe('QUOTA_EXCEEDED');
    expect(over.errors?.[0]?.message).toMatch(/128 MB.*128 MB.*192 MB/);
    expect((await update(1)).errors).toBeUndefined();
    // Re-registering warm-other with the same minInstances replaces its 128 MB: still within.
    expect((await registerRest(server.url, functionDocument('warm-other', quick, { executionConfig: { ...small, minInstances: 2 } }), tenantB)).status).toBe(
      201,
    );
  });

  it('refuses minInstances above the maxInstances an update keeps', async () => {
    const fn = await register(server.url, 'bounded', quick, { executionConfig: { ...small, maxInstances: 1 } }, tenantA);
    const result = await graphql(
      server.url,
      'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { id } }',
      { id: fn.id, input: { executionConfig: { minInstances: 2 } } },
      tenantA,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('only the current version is pre-warmed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...FAST_SCALING });
  });
  afterAll(() => server?.close());
  const executor = () => server.app.get(ExecutorService);

  it("releases the previous version's warm sandboxes to idle scale-down, even after a call pinned to it", async () => {
    const v1 = await register(server.url, 'rollover', quick, { executionConfig: { ...small, minInstances: 2 } });
    expect(
      await until(
        () => executor().poolStats(v1.versionId)?.idle ?? 0,
        (idle) => idle === 2,
      ),
    ).toBe(2);

    const v2 = await register(server.url, 'rollover', 'export default async () => "two"', { executionConfig: { ...small, minInstances: 2 } });
    expect(
      await until(
        () => executor().poolStats(v2.versionId)?.idle ?? 0,
        (idle) => idle === 2,
      ),
    ).toBe(2);

    // A call pinned to the old version still runs, and does not make it warm again.
    const pinned = await fetch(`${server.url}/fn/rollover@1.0.0`);
    expect(pinned.status).toBe(200);
    expect(await pinned.text()).toBe('ok');

    const old = await until(
      () => executor().poolStats(v1.versionId)?.instances ?? 0,
      (instances) => instances === 0,
    );
    expect(old).toBe(0);
    expect(executor().poolStats(v2.versionId)).toMatchObject({ instances: 2 });
  }, 60_000);
});

describe('per-owner caps on a node (FNGRAPH_OWNER_MAX_SANDBOXES)', () => {
  let server: TestServer;
  let tenantA: string;
  let tenantB: string;
  beforeAll(async () => {
    // Default autoscaling windows: nothing scales down by itself during the test.
    server = await startTestServer({ FNGRAPH_OWNER_MAX_SANDBOXES: '2', FNGRAPH_MAX_SANDBOXES: '10' });
    tenantA = await createKey(server.url, 'cap-tenant-a', ['developer']);
    tenantB = await createKey(server.url, 'cap-tenant-b', ['developer']);
  });
  afterAll(() => server?.close());
  const executor = () => server.app.get(ExecutorService);

  it("throttles an owner at its cap while another owner's call succeeds; the owner may then evict only its own idle sandbox", async () => {
    const aSlow = await register(server.url, 'cap-a-slow', slow, { executionConfig: { ...small, maxInstances: 2 } }, tenantA);
    await register(server.url, 'cap-a-other', quick, { executionConfig: small }, tenantA);
    const b = await register(server.url, 'cap-b', quick, { executionConfig: small }, tenantB);

    const busy = [fetch(`${server.url}/fn/cap-a-slow`), fetch(`${server.url}/fn/cap-a-slow`)];
    await until(
      () => executor().poolStats(aSlow.versionId),
      (stats) => stats?.instances === 2 && stats.idle === 0,
    );
    const refused = await fetch(`${server.url}/fn/cap-a-other`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    const body = await refused.json();
    expect(body.error.code).toBe('THROTTLED');
    expect(body.error.message).toMatch(/owner/i);
    const metrics = await scrape(server.url);
    expect(metrics.value('fngraph_owner_sandboxes', { owner: 'cap-tenant-a' })).toBe(2);
    expect(metrics.value('fngraph_owner_sandbox_memory_bytes', { owner: 'cap-tenant-a' })).toBe(128 * MiB);
    expect(metrics.value('fngraph_owner_sandbox_limit', { resource: 'sandboxes' })).toBe(2);

    expect((await fetch(`${server.url}/fn/cap-b`)).status).toBe(200);
    expect((await Promise.all(busy)).map((r) => r.status)).toEqual([200, 200]);

    // Both of A's sandboxes are idle now: A's next call stops one of them, never B's.
    expect((await fetch(`${server.url}/fn/cap-a-other`)).status).toBe(200);
    expect(executor().poolStats(aSlow.versionId)?.instances).toBe(1);
    expect(executor().poolStats(b.versionId)?.instances).toBe(1);
  });
});

describe('node memory budget (FNGRAPH_NODE_MEMORY_BUDGET_MB)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // One owner registers everything: its own memory cap (half the budget by default) is lifted, so only the node's budget binds.
    server = await startTestServer({ FNGRAPH_NODE_MEMORY_BUDGET_MB: '160', FNGRAPH_OWNER_MEMORY_MB: '1024' });
  });
  afterAll(() => server?.close());
  const executor = () => server.app.get(ExecutorService);

  it('refuses a sandbox start that would exceed the budget, reports it, and evicts an idle sandbox for room', async () => {
    const mSlow = await register(server.url, 'budget-slow', slow, { executionConfig: { ...small, maxInstances: 2 } });
    await register(server.url, 'budget-other', quick, { executionConfig: small });

    const busy = [fetch(`${server.url}/fn/budget-slow`), fetch(`${server.url}/fn/budget-slow`)];
    await until(
      () => executor().poolStats(mSlow.versionId),
      (stats) => stats?.instances === 2 && stats.idle === 0,
    );
    // 2 × 64 MB run; a third 64 MB sandbox would need 192 MB of 160, far below FNGRAPH_MAX_SANDBOXES.
    const refused = await fetch(`${server.url}/fn/budget-other`);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error.code).toBe('THROTTLED');
    expect(body.error.message).toMatch(/memory/i);

    const metrics = await scrape(server.url);
    expect(metrics.value('fngraph_node_sandbox_memory_bytes', { state: 'in_use' })).toBe(128 * MiB);
    expect(metrics.value('fngraph_node_sandbox_memory_bytes', { state: 'limit' })).toBe(160 * MiB);

    expect((await Promise.all(busy)).map((r) => r.status)).toEqual([200, 200]);
    expect((await fetch(`${server.url}/fn/budget-other`)).status).toBe(200);
    expect(executor().poolStats(mSlow.versionId)?.instances).toBe(1);
  });
});
