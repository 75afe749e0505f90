import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { GenericSandboxPool } from '@/modules/executor/generic-sandbox-pool.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

async function until<T>(probe: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 200 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

describe('per-function warm pools', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_SANDBOX_IDLE_SECONDS: '1' });
  });
  afterAll(() => server.close());
  const executor = () => server.app.get(ExecutorService);

  it('keeps minInstances sandboxes started before any call, through idle reaping, and serves the first call warm', async () => {
    const { id } = await register(server.url, 'prewarmed', 'export default async () => "warm"', {
      executionConfig: { minInstances: 2, maxInstances: 3 },
    });
    const counts = await until(
      () => executor().functionInstances(id),
      (c) => c.idle === 2,
    );
    expect(counts).toEqual({ instances: 2, idle: 2 });

    // Longer than the idle limit (1 s, reaper every second): minInstances are not reaped.
    await new Promise((r) => setTimeout(r, 2500));
    expect(executor().functionInstances(id)).toEqual({ instances: 2, idle: 2 });

    const { invokeFunction } = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { response coldStart } }', {
      id,
    });
    expect(invokeFunction).toEqual({ response: 'warm', coldStart: false });

    const { function: fn } = await graphqlData(server.url, 'query($id: ID!) { function(id: $id) { executionConfig { minInstances maxInstances } } }', { id });
    expect(fn.executionConfig).toEqual({ minInstances: 2, maxInstances: 3 });
  });

  it('moves the warm sandboxes to a new version and lets the old ones go', async () => {
    const first = await register(server.url, 'rolling', 'export default async () => 1', { executionConfig: { minInstances: 1 } });
    await until(
      () => executor().functionInstances(first.id),
      (c) => c.idle === 1,
    );
    const second = await register(server.url, 'rolling', 'export default async () => 2', { executionConfig: { minInstances: 1 } });
    await until(
      () => [executor().poolStats(first.versionId), executor().poolStats(second.versionId)],
      ([old, current]) => old === null && current?.idle === 1,
    );
    expect(executor().poolStats(first.versionId)).toBeNull();
    expect(executor().poolStats(second.versionId)).toMatchObject({ instances: 1, idle: 1 });
  });

  it('caps a function at its maxInstances: 20 concurrent calls, never more than 2 sandboxes', async () => {
    const { id, versionId } = await register(
      server.url,
      'capped',
      'export default async () => { await new Promise((r) => setTimeout(r, 100)); return "done"; }',
      {
        executionConfig: { maxInstances: 2 },
      },
    );
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, executor().poolStats(versionId)?.instances ?? 0)), 5);
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/fn/capped`)));
    clearInterval(sampler);
    expect(responses.map((r) => r.status).every((status) => status === 200 || status === 429)).toBe(true);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(2);
    expect(executor().functionInstances(id).instances).toBeLessThanOrEqual(2);
  });

  it('rejects minInstances above maxInstances or above the platform cap', async () => {
    for (const executionConfig of [{ minInstances: 3, maxInstances: 2 }, { maxInstances: 1000 }, { minInstances: -1 }]) {
      const response = await fetch(`${server.url}/functions/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
        body: JSON.stringify({ name: 'bad-bounds', language: 'javascript', code: Buffer.from('export default () => 1').toString('base64'), executionConfig }),
      });
      expect(response.status).toBe(400);
    }
  });
});

describe('pre-warmed generic sandboxes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_PREWARM_SANDBOXES: 'nodejs24:128=2' });
  });
  afterAll(() => server.close());
  const generic = () => server.app.get(GenericSandboxPool);

  it('specialises a waiting sandbox for the first call of a new function, and starts a replacement', async () => {
    await until(
      () => generic().readyCount('nodejs24', 128),
      (n) => n === 2,
    );
    await register(server.url, 'first-comer', 'export default async () => { globalThis.owner ??= "first-comer"; return globalThis.owner; }');
    const { invokeFunction } = await graphqlData(
      server.url,
      'mutation { invokeFunction(input: { name: "first-comer" }) { response coldStart initDurationMs } }',
    );
    expect(invokeFunction).toMatchObject({ response: 'first-comer', coldStart: true });
    expect(
      await until(
        () => generic().readyCount('nodejs24', 128),
        (n) => n === 2,
      ),
    ).toBe(2);
  });

  it('never lets a specialised sandbox serve another function', async () => {
    await register(server.url, 'second-comer', 'export default async () => globalThis.owner ?? "fresh"');
    for (let i = 0; i < 3; i++) {
      expect(await (await fetch(`${server.url}/fn/first-comer`)).text()).toBe('first-comer');
      expect(await (await fetch(`${server.url}/fn/second-comer`)).text()).toBe('fresh');
    }
  });

  it('leaves functions of another memory size to a sandbox of their own', async () => {
    await until(
      () => generic().readyCount('nodejs24', 128),
      (n) => n === 2,
    );
    await register(server.url, 'bigger', 'export default async () => "big"', { executionConfig: { memoryLimit: 256 } });
    expect(await (await fetch(`${server.url}/fn/bigger`)).text()).toBe('big');
    expect(generic().readyCount('nodejs24', 128)).toBe(2);
  });
});
