import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsListener } from '@/api/http/metrics/metrics-listener.js';
import { graphql, subscribe, wsClient } from '../../support/graphql-client.js';
import { register } from '../../support/functions.js';
import { type Scrape, scrape } from '../../support/prometheus.js';
import { createKey } from '../../support/security.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../../support/services.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const INVOKE = 'mutation Invoke($name: String!, $body: String) { invokeFunction(input: { name: $name, event: { body: $body } }) { id status coldStart } }';

const OK = 'export default async (event) => ({ echo: event.body })';
const BOOM = 'export default async () => { throw new RangeError("boom") }';
const SPIN = 'export default async () => { for (;;) {} }';
const HOG = 'export default async () => { const keep = []; for (;;) keep.push(new Array(100000).fill(Math.random())); }';
const SLOW = 'export default async () => { await new Promise((r) => setTimeout(r, 400)); return "slow" }';

/** The difference between two scrapes for one series. */
const delta = (before: Scrape, after: Scrape, name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);

describe('Prometheus metrics at /metrics', () => {
  let server: TestServer;
  let before: Scrape;
  let after: Scrape;

  beforeAll(async () => {
    // One instance, no queue: the second of two concurrent calls is throttled at once.
    server = await startTestServer({ FNGRAPH_MAX_INSTANCES_PER_FUNCTION: '1', FNGRAPH_MAX_QUEUED_PER_FUNCTION: '0' });
    const small = (timeout: number, memoryLimit = 128) => ({ executionConfig: { timeout, memoryLimit, environmentVariables: {} } });
    await register(server.url, 'm-ok', OK);
    await register(server.url, 'm-boom', BOOM);
    await register(server.url, 'm-spin', SPIN, small(1));
    await register(server.url, 'm-hog', HOG, small(20, 32));
    await register(server.url, 'm-slow', SLOW);
    before = await scrape(server.url);

    const invoke = (name: string, body = 'x') => graphql(server.url, INVOKE, { name, body });
    for (let i = 0; i < 2; i++) expect((await invoke('m-ok')).data?.invokeFunction.status).toBe('SUCCEEDED');
    expect((await fetch(`${server.url}/fn/m-ok`, { method: 'POST', body: 'y' })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await invoke('m-boom')).data?.invokeFunction.status).toBe('FAILED');
    expect((await invoke('m-spin')).data?.invokeFunction.status).toBe('TIMED_OUT');
    expect((await invoke('m-hog')).data?.invokeFunction.status).toBe('OOM_KILLED');
    const statuses = await Promise.all([fetch(`${server.url}/fn/m-slow`), fetch(`${server.url}/fn/m-slow`)].map(async (r) => (await r).status));
    expect(statuses.sort()).toEqual([200, 429]);
    // An unknown function: a GraphQL error, not an invocation.
    expect((await invoke('m-missing')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    after = await scrape(server.url);
  }, 60_000);

  afterAll(() => server?.close());

  it('counts invocations by function, version, status and trigger', () => {
    const count = (fn: string, status: string, trigger: string) =>
      delta(before, after, 'fngraph_invocations_total', { function: fn, version: '1.0.0', status, trigger });
    expect(count('m-ok', 'SUCCEEDED', 'GRAPHQL')).toBe(2);
    expect(count('m-ok', 'SUCCEEDED', 'HTTP')).toBe(1);
    expect(count('m-boom', 'FAILED', 'GRAPHQL')).toBe(2);
    expect(count('m-spin', 'TIMED_OUT', 'GRAPHQL')).toBe(1);
    expect(count('m-hog', 'OOM_KILLED', 'GRAPHQL')).toBe(1);
    expect(count('m-slow', 'SUCCEEDED', 'HTTP')).toBe(1);
    expect(count('m-slow', 'REJECTED', 'HTTP')).toBe(1);
    // Nothing else moved: 9 invocations in all, none for the unknown function.
    const total = after.labelSets('fngraph_invocations_total').reduce((sum, labels) => sum + delta(before, after, 'fngraph_invocations_total', labels), 0);
    expect(total).toBe(9);
    expect(after.labelSets('fngraph_invocations_total').some((l) => l.function === 'm-missing')).toBe(false);
  });

  it("keeps the functions' own failures apart from the platform's errors", () => {
    expect(delta(before, after, 'fngraph_function_errors_total', { function: 'm-boom' })).toBe(2);
    expect(delta(before, after, 'fngraph_function_timeouts_total', { function: 'm-spin' })).toBe(1);
    expect(delta(before, after, 'fngraph_function_oom_kills_total', { function: 'm-hog' })).toBe(1);
    expect(delta(before, after, 'fngraph_invocation_throttles_total', { function: 'm-slow' })).toBe(1);
    expect(after.labelSets('fngraph_platform_errors_total')).toEqual([]);
    expect(after.value('fngraph_function_errors_total', { function: 'm-ok' })).toBe(0);
  });

  it('observes durations, cold starts, init durations and sandbox waits', () => {
    const durationCount = (fn: string, status: string) =>
      delta(before, after, 'fngraph_invocation_duration_seconds_count', { function: fn, version: '1.0.0', status });
    expect(durationCount('m-ok', 'SUCCEEDED')).toBe(3);
    expect(durationCount('m-boom', 'FAILED')).toBe(2);
    expect(durationCount('m-spin', 'TIMED_OUT')).toBe(1);
    expect(durationCount('m-slow', 'SUCCEEDED')).toBe(1);
    // A throttled invocation never ran: no duration.
    expect(after.has('fngraph_invocation_duration_seconds_count', { function: 'm-slow', version: '1.0.0', status: 'REJECTED' })).toBe(false);
    // The timed-out one ran for at least its 1 s timeout; every bucket is cumulative.
    expect(
      delta(before, after, 'fngraph_invocation_duration_seconds_sum', { function: 'm-spin', version: '1.0.0', status: 'TIMED_OUT' }),
    ).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'fngraph_invocation_duration_seconds_bucket', { function: 'm-spin', version: '1.0.0', status: 'TIMED_OUT', le: '0.5' })).toBe(
      0,
    );
    expect(delta(before, after, 'fngraph_invocation_duration_seconds_bucket', { function: 'm-spin', version: '1.0.0', status: 'TIMED_OUT', le: '+Inf' })).toBe(
      1,
    );

    // The first call of each function started its sandbox; m-boom's failures kept it warm,
    // the timeout and the OOM killed theirs.
    for (const fn of ['m-ok', 'm-boom', 'm-spin', 'm-hog', 'm-slow']) {
      expect(delta(before, after, 'fngraph_invocation_cold_starts_total', { function: fn })).toBe(1);
      expect(delta(before, after, 'fngraph_invocation_init_duration_seconds_count', { function: fn })).toBe(1);
    }
    expect(delta(before, after, 'fngraph_sandbox_acquire_wait_seconds_count', { function: 'm-ok', start: 'cold' })).toBe(1);
    expect(delta(before, after, 'fngraph_sandbox_acquire_wait_seconds_count', { function: 'm-ok', start: 'warm' })).toBe(2);
    expect(delta(before, after, 'fngraph_sandbox_acquire_wait_seconds_count', { function: 'm-boom', start: 'warm' })).toBe(1);
  });

  it('shows warm and busy sandboxes per function and no invocation in flight', () => {
    expect(after.value('fngraph_sandboxes', { function: 'm-ok', state: 'idle' })).toBe(1);
    expect(after.value('fngraph_sandboxes', { function: 'm-ok', state: 'busy' })).toBe(0);
    expect(after.value('fngraph_sandboxes', { function: 'm-boom', state: 'idle' })).toBe(1);
    // Killed on timeout: nothing of it left busy; at most a fresh one the autoscaler started ahead of demand.
    expect(after.value('fngraph_sandboxes', { function: 'm-spin', state: 'busy' })).toBe(0);
    expect(after.value('fngraph_sandboxes', { function: 'm-spin', state: 'idle' })).toBeLessThanOrEqual(1);
    for (const labels of after.labelSets('fngraph_invocations_in_flight')) expect(after.value('fngraph_invocations_in_flight', labels)).toBe(0);
  });

  it('counts GraphQL operations by name, type and outcome, and errors by code', () => {
    const op = (outcome: string) =>
      delta(before, after, 'fngraph_graphql_operations_total', { operation: 'Invoke', type: 'mutation', outcome, transport: 'http' });
    expect(op('success')).toBe(6);
    expect(op('error')).toBe(1);
    expect(delta(before, after, 'fngraph_graphql_operation_duration_seconds_count', { operation: 'Invoke', type: 'mutation', transport: 'http' })).toBe(7);
    expect(delta(before, after, 'fngraph_graphql_errors_total', { code: 'NOT_FOUND' })).toBe(1);
  });

  it('times every storage call', () => {
    // Records are written in batches, at most one per state (running, finished) of each of
    // the 9 recorded invocations (the unknown function was never recorded).
    const batches = delta(before, after, 'fngraph_storage_operation_duration_seconds_count', {
      repository: 'invocations',
      operation: 'insertAll',
      outcome: 'ok',
    });
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(18);
    expect(after.labelSets('fngraph_storage_operation_duration_seconds_count').every((l) => l.outcome === 'ok')).toBe(true);
  });

  it('exports the Node.js process metrics', () => {
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(after.names().has(name), name).toBe(true);
    }
  });

  it('counts active graphql-ws subscriptions by field, down again when they end', async () => {
    const active = async () => (await scrape(server.url)).value('fngraph_graphql_subscriptions', { field: 'functionLogs' });
    const fnId = (await graphql(server.url, '{ functionByName(name: "m-ok") { id } }')).data?.functionByName.id as string;
    const client = wsClient(server.url);
    const subscription = subscribe(client, 'subscription Tail($id: ID!) { functionLogs(functionId: $id) { message } }', { id: fnId });
    subscription.done.catch(() => undefined);
    await waitFor(async () => (await active()) === 1);
    const scrapeWhileActive = await scrape(server.url);
    expect(scrapeWhileActive.value('fngraph_graphql_operations_total', { operation: 'Tail', type: 'subscription', outcome: 'success', transport: 'ws' })).toBe(
      1,
    );
    await client.dispose();
    await waitFor(async () => (await active()) === 0);
  });
});

describe('metric label cardinality', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_METRICS_MAX_FUNCTIONS: '2', FNGRAPH_METRICS_MAX_VERSIONS: '1' });
  });
  afterAll(() => server?.close());

  it('gives the first functions their own label and the rest `_other`; only the latest versions keep theirs', async () => {
    for (const name of ['c-one', 'c-two', 'c-three', 'c-four']) {
      await register(server.url, name, OK);
      expect((await fetch(`${server.url}/fn/${name}`)).status).toBe(200);
    }
    await register(server.url, 'c-one', OK); // 1.0.1: replaces 1.0.0 as the one version label kept
    expect((await fetch(`${server.url}/fn/c-one`)).status).toBe(200);
    const after = await scrape(server.url);
    const series = after.labelSets('fngraph_invocations_total');
    expect(new Set(series.map((l) => l.function))).toEqual(new Set(['c-one', 'c-two', '_other']));
    expect(after.value('fngraph_invocations_total', { function: '_other', version: '_other', status: 'SUCCEEDED', trigger: 'HTTP' })).toBe(2);
    expect(series.filter((l) => l.function === 'c-one').map((l) => l.version)).toEqual(['1.0.1']);
    // Never an invocation id anywhere.
    expect(after.text).not.toMatch(/invocation_?id=/i);
  });

  it('can be turned off', async () => {
    const off = await startTestServer({ FNGRAPH_METRICS: 'false' });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('storage and Redis latency on MongoDB and Redis', () => {
  const database = `fngraph_metrics_${randomBytes(4).toString('hex')}`;
  const uri = () => `${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MONGODB_URI: uri(), REDIS_URL: REDIS_URL as string });
  });
  afterAll(async () => {
    await server?.close();
    const connection = await mongoose.createConnection(uri()).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it('times MongoDB repository calls and Redis commands', async () => {
    await register(server.url, 'r-ok', OK);
    const before = await scrape(server.url);
    expect((await fetch(`${server.url}/fn/r-ok`)).status).toBe(200);
    // Status events are published without waiting: their commands may finish after the response.
    const publishes = (scraped: typeof before) => delta(before, scraped, 'fngraph_redis_command_duration_seconds_count', { command: 'publish', outcome: 'ok' });
    // The record is written behind the response too: wait for its batch as well.
    const batchesSince = (scraped: typeof before) =>
      delta(before, scraped, 'fngraph_storage_operation_duration_seconds_count', { repository: 'invocations', operation: 'insertAll', outcome: 'ok' });
    await waitFor(async () => {
      const scraped = await scrape(server.url);
      return publishes(scraped) >= 4 && batchesSince(scraped) >= 1;
    });
    const after = await scrape(server.url);
    const batches = batchesSince(after);
    expect(batches).toBeLessThanOrEqual(2);
    // Status events (RUNNING, SUCCEEDED) on two channels each, at least.
    expect(publishes(after)).toBeGreaterThanOrEqual(4);
    expect(after.value('fngraph_redis_command_duration_seconds_sum', { command: 'publish', outcome: 'ok' })).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('who may scrape', () => {
  let server: TestServer;
  let metricsUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_METRICS_PORT: '0' });
    metricsUrl = server.app.get(MetricsListener).url!;
    await register(server.url, 'private-name', OK, { metadata: { permissions: { public: false, allowedUsers: [], executionRoles: [] } } });
    expect((await graphql(server.url, INVOKE, { name: 'private-name' })).data?.invokeFunction.status).toBe('SUCCEEDED');
  });
  afterAll(() => server?.close());

  it('keeps the API port’s /metrics to admins: its labels name other owners’ functions', async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
    const developer = await createKey(server.url, 'someone', ['developer']);
    const refused = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${developer}` } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('private-name');
    expect(
      (await scrape(server.url)).value('fngraph_invocations_total', { function: 'private-name', version: '1.0.0', status: 'SUCCEEDED', trigger: 'GRAPHQL' }),
    ).toBe(1);
  });

  it('serves scrapers without credentials on FNGRAPH_METRICS_PORT, and nothing else there', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
    const response = await fetch(`${metricsUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('fngraph_invocations_total{function="private-name"');
    const elsewhere = await fetch(`${metricsUrl}/graphql`, { method: 'POST' });
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error.code).toBe('NOT_FOUND');
  });
});
