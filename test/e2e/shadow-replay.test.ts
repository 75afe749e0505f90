import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { authHeaders } from '../support/credentials.js';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { createKey, gqlOutcome } from '../support/security.js';
import type { ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/** Echoes the request and prices it; versions differ in `PRICE` only. */
const pricing = (price: number) => `export default async (event) => {
  const body = event.body ? JSON.parse(event.body) : {};
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-shape': 'round' }, body: JSON.stringify({ item: body.item ?? null, price: ${price}, currency: 'EUR' }) };
};`;

const REPLAY = `mutation($input: ReplayInput!) { replayInvocations(input: $input) {
  functionId targetVersion identical different failed skipped
  items { originalId replayId outcome reason originalVersion differences statusBefore statusAfter statusCodeBefore statusCodeAfter
    bodyEqual bodyFormat bodyDifferences bodyNote bodyBefore bodyAfter headerDifferences { name before after } durationMsBefore durationMsAfter redactedHeaders }
} }`;

const INVOCATION = 'query($id: ID!) { invocation(id: $id) { id trigger version comparedWith callerId status request { body } } }';

async function call(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; id: string; text: string }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, id: response.headers.get('x-fngraph-invocation-id') ?? '', text: await response.text() };
}

describe('replay', () => {
  let server: TestServer;
  let owner: string;
  let fnId: string;
  const originals: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createKey(server.url, 'olga', ['developer']);
    const shared = { metadata: { permissions: { public: true, allowedUsers: ['sam'], executionRoles: [] } } };
    fnId = (await register(server.url, 'pricing', pricing(10), { version: '1.0.0', ...shared }, owner)).id;
    await register(server.url, 'pricing', pricing(10), { version: '1.0.1', ...shared }, owner);
    await register(server.url, 'pricing', pricing(12), { version: '2.0.0', ...shared }, owner);
    for (const item of ['apple', 'pear', 'plum']) {
      const made = await call(server.url, '/fn/pricing@1.0.0', { item }, { cookie: 'session=secret' });
      expect(made.status).toBe(200);
      originals.push(made.id);
    }
  }, 120_000);
  afterAll(() => server?.close());

  it('reports identical requests on an identical version as identical, item by item', async () => {
    const report = (await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '1.0.1', invocationIds: originals } }, owner))
      .replayInvocations;
    expect(report).toMatchObject({ functionId: fnId, targetVersion: '1.0.1', identical: 3, different: 0, failed: 0, skipped: 0 });
    for (const [index, item] of report.items.entries()) {
      expect(item).toMatchObject({
        originalId: originals[index],
        outcome: 'IDENTICAL',
        originalVersion: '1.0.0',
        differences: [],
        statusBefore: 'SUCCEEDED',
        statusAfter: 'SUCCEEDED',
        statusCodeBefore: 200,
        statusCodeAfter: 200,
        bodyEqual: true,
        bodyFormat: 'json',
        headerDifferences: [],
        redactedHeaders: ['cookie'],
      });
      expect(item.durationMsAfter).toBeGreaterThan(0);
      // The replay is an invocation like any, of the replayer, naming its original.
      const replayed = (await graphqlData(server.url, INVOCATION, { id: item.replayId }, owner)).invocation;
      expect(replayed).toMatchObject({ trigger: 'REPLAY', version: '1.0.1', comparedWith: originals[index], callerId: 'olga', status: 'SUCCEEDED' });
    }
  });

  it('reports a deliberate difference: the field v2 changes, named, with both bodies', async () => {
    const report = (
      await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '2.0.0', filter: { status: 'SUCCEEDED' }, limit: 3 } }, owner)
    ).replayInvocations;
    expect(report).toMatchObject({ identical: 0, different: 3, failed: 0, skipped: 0 });
    // Newest first; earlier replays are not traffic and are passed over.
    expect(report.items.map((item: { originalId: string }) => item.originalId)).toEqual([...originals].reverse());
    for (const item of report.items) {
      expect(item).toMatchObject({ outcome: 'DIFFERENT', differences: ['BODY'], bodyEqual: false, bodyDifferences: ['$.price'], headerDifferences: [] });
      expect(JSON.parse(item.bodyBefore)).toMatchObject({ price: 10 });
      expect(JSON.parse(item.bodyAfter)).toMatchObject({ price: 12 });
    }
  });

  it('skips, with reasons, what cannot be replayed as it was', async () => {
    const big = await call(server.url, '/fn/pricing@1.0.0', { item: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(200);
    const earlier = (await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '1.0.1', invocationIds: [originals[0]] } }, owner))
      .replayInvocations.items[0].replayId;
    const unknown = '01900000-0000-7000-8000-000000000000';
    const report = (
      await graphqlData(
        server.url,
        REPLAY,
        { input: { functionId: fnId, targetVersion: '2.0.0', invocationIds: [big.id, earlier, unknown, originals[1]] } },
        owner,
      )
    ).replayInvocations;
    expect(report).toMatchObject({ different: 1, skipped: 3 });
    const [truncated, replayOfReplay, missing, fine] = report.items;
    expect(truncated).toMatchObject({ originalId: big.id, outcome: 'SKIPPED', replayId: null });
    expect(truncated.reason).toMatch(/kept only in part/);
    expect(replayOfReplay).toMatchObject({ outcome: 'SKIPPED' });
    expect(replayOfReplay.reason).toMatch(new RegExp(`REPLAY run of invocation ${originals[0]}`));
    expect(missing).toMatchObject({ originalId: unknown, outcome: 'SKIPPED', reason: "Not found among the function's invocations" });
    expect(fine).toMatchObject({ outcome: 'DIFFERENT' });
  });

  it('refuses bad input with codes and field details', async () => {
    const bad = async (input: Record<string, unknown>) => {
      const result = await graphql(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '2.0.0', ...input } }, owner);
      return { code: result.errors?.[0]?.extensions?.code, fields: result.errors?.[0]?.extensions?.details?.map((d) => d.field) };
    };
    expect(await bad({ limit: 0 })).toEqual({ code: 'BAD_USER_INPUT', fields: ['limit'] });
    expect(await bad({ limit: 101 })).toEqual({ code: 'BAD_USER_INPUT', fields: ['limit'] });
    expect(await bad({ targetVersion: '9.9.9' })).toEqual({ code: 'BAD_USER_INPUT', fields: ['targetVersion'] });
    expect(await bad({ targetVersion: 'prod' })).toEqual({ code: 'BAD_USER_INPUT', fields: ['targetVersion'] });
    expect(await bad({ invocationIds: [originals[0]], filter: { status: 'SUCCEEDED' } })).toEqual({ code: 'BAD_USER_INPUT', fields: ['filter'] });
    expect(await bad({ filter: { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' } })).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['filter.since'],
    });
  });

  it('is served over REST too: POST /functions/:id/replay', async () => {
    const post = (body: unknown, as?: string | null) =>
      fetch(`${server.url}/functions/${fnId}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(server.url, as) },
        body: JSON.stringify(body),
      });
    const response = await post({ targetVersion: '2.0.0', invocationIds: [originals[0]] }, owner);
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({ functionId: fnId, targetVersion: '2.0.0', totals: { IDENTICAL: 0, DIFFERENT: 1, FAILED: 0, SKIPPED: 0 } });
    expect(report.items[0]).toMatchObject({
      originalId: originals[0],
      outcome: 'DIFFERENT',
      comparison: { differences: ['BODY'], body: { paths: ['$.price'] } },
    });
    const bad = await post({ targetVersion: '2.0.0', filter: { since: 'yesterday' } }, owner);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'filter.since' }] });
    expect((await post({ targetVersion: '2.0.0' }, null)).status).toBe(404);
  });

  it('needs the right to manage the function, and is audited', async () => {
    const input = { functionId: fnId, targetVersion: '1.0.1', invocationIds: [originals[0]] };
    const stranger = await createKey(server.url, 'stella', ['developer']);
    const sharedWith = await createKey(server.url, 'sam', ['developer']);
    const viewer = await createKey(server.url, 'vic', ['viewer']);
    expect(await gqlOutcome(server.url, REPLAY, { input }, stranger)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, REPLAY, { input }, sharedWith)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, REPLAY, { input }, viewer)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, REPLAY, { input }, null)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(await gqlOutcome(server.url, REPLAY, { input }, owner)).toBe('ok');
    const audit = await graphqlData(server.url, '{ auditLog(filter: { action: "invocations.replay" }, first: 1) { nodes { actorId targetId details } } }');
    expect(audit.auditLog.nodes[0]).toMatchObject({
      actorId: 'olga',
      targetId: fnId,
      details: { function: 'pricing', targetVersion: '1.0.1', invocations: 1, identical: 1, different: 0, failed: 0, skipped: 0 },
    });
  });
});

/** The stable version and its candidates: one throws, one answers something else, one is slow but alike. */
const STABLE = `export default async (event) => {
  const { item } = JSON.parse(event.body);
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-shape': 'round' }, body: JSON.stringify({ quote: 'q-' + item, currency: 'EUR' }) };
};`;
const THROWS = "export default async () => { throw new Error('the candidate broke'); };";
const OTHER = `export default async (event) => {
  const { item } = JSON.parse(event.body);
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-shape': 'square' }, body: JSON.stringify({ quote: 'other-' + item, currency: 'EUR' }) };
};`;
const SLOW = STABLE.replace('const { item }', 'await new Promise((r) => setTimeout(r, 1200));\n  const { item }');

const SET_ALIAS = 'mutation($input: SetAliasInput!) { setAlias(input: $input) { name shadow { version percent } } }';
const REPORT = `query($f: ID!, $a: String!, $first: Int) { shadowReport(functionId: $f, alias: $a, first: $first) {
  functionId alias shadowVersion compared identical different failed skipped differentBy { status statusCode body headers }
  latencyPairs primaryP50Ms primaryP99Ms shadowP50Ms shadowP99Ms
  comparisons { primaryInvocationId shadowInvocationId primaryVersion shadowVersion outcome differences statusBefore statusAfter statusCodeBefore statusCodeAfter bodyDifferences headerDifferences reason primaryDurationMs shadowDurationMs }
} }`;

/** What a caller receives, headers minus those that differ on every call of anything (date, ids, tracing). */
interface Received {
  status: number;
  body: string;
  headers: Record<string, string>;
  invocationId: string;
}
const PER_CALL = new Set(['date', 'x-fngraph-invocation-id', 'x-request-id', 'traceparent', 'keep-alive', 'connection']);

async function receive(url: string, path: string, item: string, as?: string): Promise<Received> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${as}` } : {}) },
    body: JSON.stringify({ item }),
  });
  const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => !PER_CALL.has(name)));
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()).toString('base64'),
    headers,
    invocationId: response.headers.get('x-fngraph-invocation-id')!,
  };
}

const N = 8;

describe('shadow traffic', () => {
  let server: TestServer;
  let owner: string;
  let fnId: string;
  const calls: Record<string, Received[]> = {};

  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_SHADOW_CONCURRENCY: '16' });
    owner = await createKey(server.url, 'otto', ['developer']);
    const shared = { metadata: { permissions: { public: true, allowedUsers: ['sue'], executionRoles: ['invoker'] } } };
    fnId = (await register(server.url, 'quote', STABLE, { version: '1.0.0', ...shared }, owner)).id;
    await register(server.url, 'quote', THROWS, { version: '2.0.0', ...shared }, owner);
    await register(server.url, 'quote', OTHER, { version: '3.0.0', ...shared }, owner);
    await register(server.url, 'quote', SLOW, { version: '4.0.0', ...shared }, owner);
    // What callers of the stable version receive with no shadow at all: the reference.
    await graphqlData(server.url, SET_ALIAS, { input: { functionId: fnId, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] } }, owner);
    calls.none = [];
    for (let i = 0; i < N; i += 1) calls.none.push(await receive(server.url, '/fn/quote@prod', `item-${i}`, owner));
    for (const candidate of ['2.0.0', '3.0.0', '4.0.0']) {
      const shadow = { version: candidate, percent: 100 };
      await graphqlData(server.url, SET_ALIAS, { input: { functionId: fnId, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }], shadow } }, owner);
      calls[candidate] = [];
      for (let i = 0; i < N; i += 1) calls[candidate].push(await receive(server.url, '/fn/quote@prod', `item-${i}`, owner));
      // Every shadow run is compared (and stored) before the next candidate takes the alias.
      const done = await until(
        () => graphqlData(server.url, REPORT, { f: fnId, a: 'prod', first: 0 }, owner),
        (data) => data.shadowReport.compared + data.shadowReport.failed + data.shadowReport.skipped >= N,
      );
      expect(done.shadowReport).toMatchObject({ shadowVersion: candidate, compared: N, failed: 0, skipped: 0 });
    }
  }, 180_000);
  afterAll(() => server?.close());

  it("never changes what the caller receives: status, body and headers are the stable version's, byte for byte", () => {
    expect(calls.none.every((c) => c.status === 200 && c.headers['x-fngraph-version'] === '1.0.0')).toBe(true);
    for (const candidate of ['2.0.0', '3.0.0', '4.0.0']) {
      expect(calls[candidate]).toHaveLength(N);
      for (const [i, received] of calls[candidate].entries()) {
        const { invocationId: _a, ...got } = received;
        const { invocationId: _b, ...reference } = calls.none[i]!;
        expect(got).toStrictEqual(reference);
      }
    }
  });

  it('records a candidate that throws as a status difference, beside the caller’s invocation', async () => {
    const report = (
      await graphqlData(
        server.url,
        `query($f: ID!) { shadowReport(functionId: $f, alias: "prod", shadowVersion: "2.0.0", first: 100) { compared different identical differentBy { status body } comparisons { primaryInvocationId shadowInvocationId outcome differences statusBefore statusAfter } } }`,
        { f: fnId },
        owner,
      )
    ).shadowReport;
    expect(report).toMatchObject({ compared: N, different: N, identical: 0, differentBy: { status: N, body: 0 } });
    const primaries = new Set(calls['2.0.0']!.map((c) => c.invocationId));
    for (const comparison of report.comparisons) {
      expect(comparison).toMatchObject({ outcome: 'DIFFERENT', differences: ['STATUS'], statusBefore: 'SUCCEEDED', statusAfter: 'FAILED' });
      expect(primaries.has(comparison.primaryInvocationId)).toBe(true);
      // The shadow run is an invocation of the platform's, naming the call it copies.
      const shadow = (await graphqlData(server.url, INVOCATION, { id: comparison.shadowInvocationId }, owner)).invocation;
      expect(shadow).toMatchObject({ trigger: 'SHADOW', version: '2.0.0', comparedWith: comparison.primaryInvocationId, callerId: null, status: 'FAILED' });
    }
  });

  it('names what a candidate answering something else changed: the body field and the header', async () => {
    const report = (
      await graphqlData(
        server.url,
        `query($f: ID!) { shadowReport(functionId: $f, alias: "prod", shadowVersion: "3.0.0", first: 100) { compared different differentBy { status body headers } comparisons { outcome differences bodyDifferences headerDifferences statusCodeBefore statusCodeAfter } } }`,
        { f: fnId },
        owner,
      )
    ).shadowReport;
    expect(report).toMatchObject({ compared: N, different: N, differentBy: { status: 0, body: N, headers: N } });
    for (const comparison of report.comparisons) {
      expect(comparison).toEqual({
        outcome: 'DIFFERENT',
        differences: ['BODY', 'HEADERS'],
        bodyDifferences: ['$.quote'],
        headerDifferences: ['x-shape'],
        statusCodeBefore: 200,
        statusCodeAfter: 200,
      });
    }
  });

  it('finds a slow but alike candidate identical, and reports its latency beside the stable one', async () => {
    const report = (await graphqlData(server.url, REPORT, { f: fnId, a: 'prod', first: 100 }, owner)).shadowReport;
    expect(report).toMatchObject({ shadowVersion: '4.0.0', compared: N, identical: N, different: 0, latencyPairs: N });
    expect(report.shadowP50Ms).toBeGreaterThanOrEqual(1200);
    expect(report.shadowP99Ms).toBeGreaterThanOrEqual(report.shadowP50Ms);
    expect(report.primaryP50Ms).toBeLessThan(1200);
  });

  it("keeps shadow runs out of callers' own lists; those who may read the function's invocations see them", async () => {
    const invoker = await createKey(server.url, 'ina', ['invoker']);
    const mine = await receive(server.url, '/fn/quote@prod', 'mine', invoker);
    expect(mine.status).toBe(200);
    const LIST = 'query($f: ID) { invocations(functionId: $f, first: 100) { nodes { id trigger callerId } } }';
    const own = (await graphqlData(server.url, LIST, { f: fnId }, invoker)).invocations.nodes;
    expect(own.map((i: { id: string }) => i.id)).toEqual([mine.invocationId]);
    const all = (await graphqlData(server.url, LIST, { f: fnId }, owner)).invocations.nodes;
    expect(all.some((i: { trigger: string; callerId: string | null }) => i.trigger === 'SHADOW' && i.callerId === null)).toBe(true);
  });

  it("needs the right to read the function's invocations", async () => {
    const stranger = await createKey(server.url, 'stan', ['developer']);
    const sharedWith = await createKey(server.url, 'sue', ['developer']);
    const byRole = await createKey(server.url, 'ivo', ['invoker']);
    const variables = { f: fnId, a: 'prod', first: 1 };
    expect(await gqlOutcome(server.url, REPORT, variables, stranger)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, REPORT, variables, byRole)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, REPORT, variables, sharedWith)).toBe('ok');
    expect(await gqlOutcome(server.url, REPORT, { ...variables, first: 101 }, owner)).toBe('BAD_USER_INPUT');
  });
});

describe('shadow traffic on a saturated node', () => {
  it('skips and counts the calls it cannot shadow, durably: the report survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-shadow-'));
    let server = await startTestServer({ FNGRAPH_DATA_DIR: dataDir, FNGRAPH_SHADOW_CONCURRENCY: '0' });
    try {
      const fnId = (await register(server.url, 'busy', STABLE, { version: '1.0.0' })).id;
      await register(server.url, 'busy', OTHER, { version: '2.0.0' });
      await graphqlData(server.url, SET_ALIAS, {
        input: { functionId: fnId, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }], shadow: { version: '2.0.0', percent: 100 } },
      });
      for (let i = 0; i < 5; i += 1) expect((await receive(server.url, '/fn/busy@prod', `x${i}`)).status).toBe(200);
      const report = await until(
        () => graphqlData(server.url, REPORT, { f: fnId, a: 'prod', first: 5 }),
        (data) => data.shadowReport.skipped >= 5,
      );
      expect(report.shadowReport).toMatchObject({ compared: 0, skipped: 5, failed: 0 });
      expect(report.shadowReport.comparisons[0]).toMatchObject({ outcome: 'SKIPPED', shadowInvocationId: null });
      expect(report.shadowReport.comparisons[0].reason).toMatch(/FNGRAPH_SHADOW_CONCURRENCY/);
      const metrics = await (await fetch(`${server.url}/metrics`, { headers: authHeaders(server.url) })).text();
      expect(metrics).toMatch(/fngraph_shadow_comparisons_total\{outcome="SKIPPED"\} 5/);

      await server.close();
      server = await startTestServer({ FNGRAPH_DATA_DIR: dataDir });
      const again = await graphqlData(server.url, REPORT, { f: fnId, a: 'prod', first: 5 });
      expect(again.shadowReport).toMatchObject({ compared: 0, skipped: 5 });
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('shadow traffic on two nodes (MongoDB)', () => {
  const cluster = new Cluster('fngraph_shadow');
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    a = await cluster.node('shadow-a');
    b = await cluster.node('shadow-b');
  }, 120_000);
  afterAll(() => cluster.destroy());

  it('stores the comparisons made on one node where every node reports them', async () => {
    const fnId = (await register(a.url, 'two-nodes', STABLE, { version: '1.0.0' })).id;
    await register(a.url, 'two-nodes', OTHER, { version: '2.0.0' });
    await graphqlData(a.url, SET_ALIAS, {
      input: { functionId: fnId, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }], shadow: { version: '2.0.0', percent: 100 } },
    });
    for (let i = 0; i < 4; i += 1) expect((await receive(a.url, '/fn/two-nodes@prod', `n${i}`)).status).toBe(200);
    const report = await until(
      () => graphqlData(b.url, REPORT, { f: fnId, a: 'prod', first: 4 }),
      (data) => data.shadowReport.compared >= 4,
    );
    expect(report.shadowReport).toMatchObject({ shadowVersion: '2.0.0', compared: 4, different: 4, skipped: 0 });
    // On a loaded machine a shadow run may also fail (a status difference); those that answered differ in body and header.
    const answered = (report.shadowReport.comparisons as { statusBefore: string; statusAfter: string }[]).filter((c) => c.statusBefore === c.statusAfter);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const comparison of answered) expect(comparison).toMatchObject({ bodyDifferences: ['$.quote'], headerDifferences: ['x-shape'] });
  }, 120_000);
});
