import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorKind } from '@/kernel/config/app-config.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { register } from '../support/functions.js';
import { scrape, type Scrape } from '../support/prometheus.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/** Kills this server's sandboxes behind its back (SIGKILL or `docker kill`); returns how many. */
export type SandboxKiller = (server: TestServer) => Promise<number>;

export interface AutoscalingSuiteOptions {
  env?: Record<string, string>;
  /** Kills the sandboxes as an outside event would (OOM killer, operator, crashed engine). */
  killSandboxes: SandboxKiller;
  /** Extra kill strategies to run the "10 calls after a kill" drill with, by name. */
  moreKillers?: Record<string, SandboxKiller>;
}

/** Short windows, so that scaling to zero happens within a test. */
const AUTOSCALING_ENV = {
  FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS: '3',
  FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS: '1',
  FNGRAPH_AUTOSCALE_TICK_MS: '200',
  FNGRAPH_MAX_INSTANCES_PER_FUNCTION: '8',
};

const sleepy = (ms: number) => `export default async () => { await new Promise((r) => setTimeout(r, ${ms})); return "done"; }`;

/** The sum of a metric's series for one function (over versions or states). */
function total(metrics: Scrape, name: string, labels: Record<string, string>): number {
  return metrics
    .labelSets(name)
    .filter((set) => Object.entries(labels).every(([k, v]) => set[k] === v))
    .reduce((sum, set) => sum + metrics.value(name, set), 0);
}

function sandboxes(metrics: Scrape, fn: string): number {
  return total(metrics, 'fngraph_sandboxes', { function: fn });
}

/**
 * Autoscaling of warm sandboxes, the node-wide limit and dead idle sandboxes, through a
 * real server and `/fn/:name`, observed on `/metrics` as an operator would.
 */
export function autoscalingSuite(kind: ExecutorKind, options: AutoscalingSuiteOptions): void {
  describe(`autoscaling: ${kind} executor`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ FNGRAPH_EXECUTOR: kind, ...AUTOSCALING_ENV, ...options.env });
    });
    afterAll(() => server?.close());

    it('grows the pool for a burst of concurrent calls, then scales it to zero once idle for the stable window', async () => {
      // Long enough for the six calls to overlap even on a busy machine.
      await register(server.url, 'burst', sleepy(3000), { executionConfig: { maxInstances: 6, timeout: 20 } });
      let peakDesired = 0;
      let peakSandboxes = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const metrics = await scrape(server.url);
          peakDesired = Math.max(peakDesired, total(metrics, 'fngraph_desired_sandboxes', { function: 'burst' }));
          peakSandboxes = Math.max(peakSandboxes, sandboxes(metrics, 'burst'));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const responses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${server.url}/fn/burst`)));
      // One more tick, so the decision that saw the burst is certainly scraped.
      await new Promise((r) => setTimeout(r, 400));
      sampling = false;
      await sampler;

      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(peakSandboxes).toBe(6);
      expect(peakDesired).toBeGreaterThanOrEqual(2);
      expect(peakDesired).toBeLessThanOrEqual(6);

      const after = await until(
        () => scrape(server.url),
        (m) => sandboxes(m, 'burst') === 0 && total(m, 'fngraph_desired_sandboxes', { function: 'burst' }) === 0,
      );
      expect(sandboxes(after, 'burst')).toBe(0);
      expect(total(after, 'fngraph_desired_sandboxes', { function: 'burst' })).toBe(0);
      expect(after.value('fngraph_node_sandboxes', { state: 'limit' })).toBeGreaterThan(0);
    });

    it('panics when demand outgrows the sandboxes, within maxInstances, and says so', async () => {
      await register(server.url, 'panicky', sleepy(800), { executionConfig: { maxInstances: 2, timeout: 20 } });
      let panicked = false;
      let peakDesired = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const metrics = await scrape(server.url);
          panicked ||= metrics.value('fngraph_autoscaler_panic', { function: 'panicky' }) === 1;
          peakDesired = Math.max(peakDesired, total(metrics, 'fngraph_desired_sandboxes', { function: 'panicky' }));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      // 8 calls on 2 sandboxes: 4 rounds, the queue holding the rest.
      const responses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${server.url}/fn/panicky`)));
      sampling = false;
      await sampler;

      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(panicked).toBe(true);
      expect(peakDesired).toBe(2);
    });

    it('keeps minInstances warm through idle periods longer than the stable window', async () => {
      const { versionId } = await register(server.url, 'kept', 'export default async () => "kept"', { executionConfig: { minInstances: 1 } });
      const executor = server.app.get(ExecutorService);
      await until(
        async () => executor.poolStats(versionId),
        (stats) => stats?.idle === 1,
      );
      expect((await fetch(`${server.url}/fn/kept`)).status).toBe(200);
      // Longer than the 3 s stable window.
      await new Promise((r) => setTimeout(r, 4500));
      const metrics = await scrape(server.url);
      expect(executor.poolStats(versionId)).toMatchObject({ instances: 1, idle: 1 });
      expect(total(metrics, 'fngraph_desired_sandboxes', { function: 'kept' })).toBe(1);
    });

    const killers: Record<string, SandboxKiller> = { 'the whole sandbox': options.killSandboxes, ...options.moreKillers };
    for (const [what, kill] of Object.entries(killers)) {
      it(`serves every call after each idle sandbox is killed (${what}): 10 sequential and 10 concurrent calls all succeed`, async () => {
        const name = `victim-${Object.keys(killers).indexOf(what)}`;
        const { versionId } = await register(server.url, name, sleepy(200), { executionConfig: { maxInstances: 4 } });
        const executor = server.app.get(ExecutorService);
        /**
         * Four concurrent calls leave warm sandboxes, all idle: up to four, as the autoscaler's
         * next tick may already have scaled the burst down (never to zero within its stable window).
         */
        const warmSome = async () => {
          const warmed = await Promise.all(Array.from({ length: 4 }, () => fetch(`${server.url}/fn/${name}`)));
          expect(warmed.map((r) => r.status)).toEqual([200, 200, 200, 200]);
          const stats = executor.poolStats(versionId);
          expect(stats?.instances).toBeGreaterThanOrEqual(1);
          expect(stats?.idle).toBe(stats?.instances);
        };

        await warmSome();
        expect(await kill(server)).toBeGreaterThanOrEqual(1);
        const sequential: Response[] = [];
        for (let i = 0; i < 10; i++) sequential.push(await fetch(`${server.url}/fn/${name}`));
        expect(
          sequential.map((r) => r.status),
          await failures(sequential),
        ).toEqual(Array(10).fill(200));

        await warmSome();
        expect(await kill(server)).toBeGreaterThanOrEqual(1);
        const concurrent = await Promise.all(Array.from({ length: 10 }, () => fetch(`${server.url}/fn/${name}`)));
        expect(
          concurrent.map((r) => r.status),
          await failures(concurrent),
        ).toEqual(Array(10).fill(200));
      });
    }
  });

  describe(`node-wide sandbox limit: ${kind} executor`, () => {
    let server: TestServer;
    beforeAll(async () => {
      // One owner (the admin) registers everything here: its own cap (half the node by default) is lifted to the node's.
      server = await startTestServer({
        FNGRAPH_EXECUTOR: kind,
        ...AUTOSCALING_ENV,
        ...options.env,
        FNGRAPH_MAX_SANDBOXES: '2',
        FNGRAPH_OWNER_MAX_SANDBOXES: '2',
      });
    });
    afterAll(() => server?.close());

    it('evicts the least recently used idle sandbox of another function when full, and throttles when nothing is idle', async () => {
      for (const name of ['lru-a', 'lru-b', 'lru-c']) await register(server.url, name, sleepy(0));
      await register(server.url, 'lru-slow', sleepy(2000), { executionConfig: { timeout: 20 } });
      const executor = server.app.get(ExecutorService);

      expect((await fetch(`${server.url}/fn/lru-a`)).status).toBe(200);
      expect((await fetch(`${server.url}/fn/lru-b`)).status).toBe(200);
      expect(executor.nodeSandboxes()).toEqual({ inUse: 2, limit: 2 });
      // Full: c takes the place of a, the least recently used.
      expect((await fetch(`${server.url}/fn/lru-c`)).status).toBe(200);
      let metrics = await scrape(server.url);
      expect([sandboxes(metrics, 'lru-a'), sandboxes(metrics, 'lru-b'), sandboxes(metrics, 'lru-c')]).toEqual([0, 1, 1]);
      expect(metrics.value('fngraph_node_sandboxes', { state: 'in_use' })).toBe(2);

      // Two slow calls fill the node with busy sandboxes: a third function cannot get one.
      const slow = [fetch(`${server.url}/fn/lru-slow`), fetch(`${server.url}/fn/lru-slow`)];
      await until(
        async () => executor.nodeSandboxes().inUse === 2 && sandboxes(await scrape(server.url), 'lru-slow') === 2,
        (full) => full,
      );
      const refused = await fetch(`${server.url}/fn/lru-a`);
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.code).toBe('THROTTLED');
      expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);

      metrics = await scrape(server.url);
      expect(metrics.value('fngraph_node_sandboxes', { state: 'in_use' })).toBeLessThanOrEqual(2);
    });
  });
}

/** The bodies of the answers that were not 200 (the invocation's error), for an assertion's message. */
async function failures(responses: Response[]): Promise<string> {
  const failed = responses.filter((r) => r.status !== 200);
  return (await Promise.all(failed.map(async (r) => `${r.status} ${await r.clone().text()}`))).join('\n');
}
