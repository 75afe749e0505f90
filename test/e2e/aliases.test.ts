import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { authHeaders } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { createKey, gqlOutcome } from '../support/security.js';
import type { ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Answers with the version that ran it, so every call says where the alias sent it. */
const WHICH = 'export default async (event, context) => context.version;';

const SET = `mutation($input: SetAliasInput!) {
  setAlias(input: $input) { name routes { version weight } shadow { version percent } createdAt updatedAt updatedBy }
}`;
const DELETE = 'mutation($f: ID!, $n: String!) { deleteAlias(functionId: $f, name: $n) }';
const AUDIT = 'query($f: AuditFilterInput) { auditLog(filter: $f, first: 50) { nodes { action actorId targetId details } } }';

interface Call {
  status: number;
  body: string;
  version: string | null;
  alias: string | null;
  invocationId: string | null;
}

async function call(url: string, path: string, headers: Record<string, string> = {}): Promise<Call> {
  const response = await fetch(`${url}${path}`, { headers });
  return {
    status: response.status,
    body: await response.text(),
    version: response.headers.get('x-fngraph-version'),
    alias: response.headers.get('x-fngraph-alias'),
    invocationId: response.headers.get('x-fngraph-invocation-id'),
  };
}

/** `n` calls, `parallel` at a time; the versions that answered, counted. */
async function tally(
  url: string,
  path: string,
  n: number,
  headers: (i: number) => Record<string, string> = () => ({}),
  parallel = 8,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const result = await call(url, path, headers(i));
      if (result.status !== 200) throw new Error(`call ${i} of ${path} answered ${result.status}: ${result.body}`);
      // The header and the body (what the function itself saw) agree.
      expect(result.body).toBe(result.version);
      counts.set(result.version!, (counts.get(result.version!) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return counts;
}

/** The 99.9% two-sided bound of a binomial count (normal approximation; fine for n·p ≥ 10). */
function binomialBound(n: number, p: number): [number, number] {
  const spread = 3.29 * Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - spread), Math.ceil(n * p + spread)];
}

describe('aliases', () => {
  let server: TestServer;
  let fnId: string;
  let developer: string;

  const setAlias = (name: string, routes: Array<{ version: string; weight: number }>, shadow: unknown = null, as?: string) =>
    graphql(server.url, SET, { input: { functionId: fnId, name, routes, shadow } }, as);

  beforeAll(async () => {
    server = await startTestServer();
    developer = await createKey(server.url, 'dora', ['developer']);
    fnId = (await register(server.url, 'split', WHICH, { version: '1.0.0' }, developer)).id;
    await register(server.url, 'split', WHICH, { version: '1.1.0' }, developer);
    // A version that does not load: its build FAILED, so no alias may point at it.
    const broken = await register(server.url, 'split', "throw new Error('does not load'); export default () => 1;", { version: '1.2.0' }, developer);
    expect(broken.buildStatus).toBe('FAILED');
    // The latest READY one, so "latest" and the alias differ.
    await register(server.url, 'split', WHICH, { version: '1.3.0' }, developer);
  }, 60_000);

  afterAll(() => server?.close());

  it('holds 90/10 weights within a 99.9% binomial bound over 1000 calls through /fn/<name>@prod', async () => {
    const set = await setAlias(
      'prod',
      [
        { version: '1.0.0', weight: 90 },
        { version: '1.1.0', weight: 10 },
      ],
      null,
      developer,
    );
    expect(set.errors).toBeUndefined();
    expect(set.data?.setAlias).toMatchObject({ name: 'prod', updatedBy: 'dora', shadow: null });
    const n = 1000;
    const counts = await tally(server.url, '/fn/split@prod', n);
    const [low, high] = binomialBound(n, 0.1);
    expect([...counts.keys()].sort()).toEqual(['1.0.0', '1.1.0']);
    expect(counts.get('1.1.0')).toBeGreaterThanOrEqual(low);
    expect(counts.get('1.1.0')).toBeLessThanOrEqual(high);
    expect(counts.get('1.0.0')! + counts.get('1.1.0')!).toBe(n);
  }, 120_000);

  it('records the version the alias chose, and the alias, on each invocation (GraphQL and REST)', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => call(server.url, '/fn/split@prod')));
    for (const result of results) {
      expect(result.alias).toBe('prod');
      const rest = await fetch(`${server.url}/invocations/${result.invocationId}`, { headers: authHeaders(server.url) });
      expect(await rest.json()).toMatchObject({ version: result.version, alias: 'prod', status: 'SUCCEEDED' });
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { version alias } }', { id: result.invocationId });
      expect(invocation).toEqual({ version: result.version, alias: 'prod' });
    }
    const pinned = await call(server.url, '/fn/split@1.1.0');
    expect([pinned.version, pinned.alias]).toEqual(['1.1.0', null]);
    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { version alias } }', { id: pinned.invocationId });
    expect(invocation).toEqual({ version: '1.1.0', alias: null });
  });

  it('sends the same routing key to the same version every time, and spreads keys over both versions', async () => {
    await setAlias(
      'sticky',
      [
        { version: '1.0.0', weight: 50 },
        { version: '1.1.0', weight: 50 },
      ],
      null,
      developer,
    );
    for (const key of ['user-1', 'user-2', 'tenant:acme', 'ünïcode key']) {
      const counts = await tally(server.url, '/fn/split@sticky', 30, () => ({ 'x-fngraph-routing-key': encodeURIComponent(key) }));
      expect(counts.size, key).toBe(1);
    }
    const byKey = await tally(server.url, '/fn/split@sticky', 200, (i) => ({ 'x-fngraph-routing-key': `caller-${i}` }));
    const [low, high] = binomialBound(200, 0.5);
    expect(byKey.get('1.0.0')).toBeGreaterThanOrEqual(low);
    expect(byKey.get('1.0.0')).toBeLessThanOrEqual(high);

    // GraphQL: the same key lands where HTTP sent it.
    const viaHttp = (await call(server.url, '/fn/split@sticky', { 'x-fngraph-routing-key': 'user-1' })).version;
    for (let i = 0; i < 10; i += 1) {
      const { invokeFunction } = await graphqlData(
        server.url,
        'mutation { invokeFunction(input: { name: "split", alias: "sticky", routingKey: "user-1" }) { version alias response } }',
      );
      expect(invokeFunction).toEqual({ version: viaHttp, alias: 'sticky', response: viaHttp });
    }
  });

  it('takes a move to 100/0, a repoint and a deletion into account on the very next call', async () => {
    await setAlias(
      'moving',
      [
        { version: '1.0.0', weight: 0 },
        { version: '1.1.0', weight: 100 },
      ],
      null,
      developer,
    );
    expect(await tally(server.url, '/fn/split@moving', 50)).toEqual(new Map([['1.1.0', 50]]));
    await setAlias('moving', [{ version: '1.0.0', weight: 100 }], null, developer);
    expect((await call(server.url, '/fn/split@moving')).version).toBe('1.0.0');
    await setAlias('moving', [{ version: '1.3.0', weight: 100 }], null, developer);
    expect((await call(server.url, '/fn/split@moving')).version).toBe('1.3.0');
    expect((await graphqlData(server.url, DELETE, { f: fnId, n: 'moving' }, developer)).deleteAlias).toBe(true);
    const gone = await call(server.url, '/fn/split@moving');
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body).error.code).toBe('NOT_FOUND');
    expect((await graphqlData(server.url, DELETE, { f: fnId, n: 'moving' }, developer)).deleteAlias).toBe(false);
  });

  it('/fn/<name> follows the alias `default` when it exists; @latest, pinned versions and /execute/<id> do not', async () => {
    expect((await call(server.url, '/fn/split')).version).toBe('1.3.0');
    await setAlias('default', [{ version: '1.0.0', weight: 100 }], null, developer);
    const followed = await call(server.url, '/fn/split/some/path?x=1');
    expect([followed.version, followed.alias]).toEqual(['1.0.0', 'default']);
    expect((await call(server.url, '/fn/split@latest')).version).toBe('1.3.0');
    expect((await call(server.url, '/fn/split@1.1.0')).version).toBe('1.1.0');
    expect((await call(server.url, `/execute/${fnId}`)).version).toBe('1.3.0');
    // An unpinned invokeFunction is routed like /fn/<name>.
    const { invokeFunction } = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "split" }) { version alias } }');
    expect(invokeFunction).toEqual({ version: '1.0.0', alias: 'default' });
    await graphqlData(server.url, DELETE, { f: fnId, n: 'default' }, developer);
    expect((await call(server.url, '/fn/split')).version).toBe('1.3.0');
  });

  it('refuses bad aliases with BAD_USER_INPUT and the field at fault', async () => {
    const cases: Array<[string, Array<{ version: string; weight: number }>, unknown, string]> = [
      ['Prod', [{ version: '1.0.0', weight: 100 }], null, 'name'],
      ['1.0.0', [{ version: '1.0.0', weight: 100 }], null, 'name'],
      ['latest', [{ version: '1.0.0', weight: 100 }], null, 'name'],
      ['a'.repeat(64), [{ version: '1.0.0', weight: 100 }], null, 'name'],
      ['prod', [], null, 'routes'],
      [
        'prod',
        [
          { version: '1.0.0', weight: 60 },
          { version: '1.1.0', weight: 30 },
        ],
        null,
        'routes',
      ],
      [
        'prod',
        [
          { version: '1.0.0', weight: 40 },
          { version: '1.1.0', weight: 30 },
          { version: '1.3.0', weight: 30 },
        ],
        null,
        'routes',
      ],
      ['prod', [{ version: '1.0.0', weight: 101 }], null, 'routes.0.weight'],
      [
        'prod',
        [
          { version: '1.0.0', weight: 50 },
          { version: '1.0.0', weight: 50 },
        ],
        null,
        'routes.1.version',
      ],
      ['prod', [{ version: '9.9.9', weight: 100 }], null, 'routes.0.version'],
      ['prod', [{ version: '1.2.0', weight: 100 }], null, 'routes.0.version'],
      ['prod', [{ version: 'not-semver', weight: 100 }], null, 'routes.0.version'],
      ['prod', [{ version: '1.0.0', weight: 100 }], { version: '1.1.0', percent: 0 }, 'shadow.percent'],
      ['prod', [{ version: '1.0.0', weight: 100 }], { version: '1.1.0', percent: 100.5 }, 'shadow.percent'],
      ['prod', [{ version: '1.0.0', weight: 100 }], { version: '7.7.7', percent: 5 }, 'shadow.version'],
    ];
    for (const [name, routes, shadow, field] of cases) {
      const result = await setAlias(name, routes, shadow, developer);
      const error = result.errors?.[0];
      expect(error?.extensions?.code, `${name} ${JSON.stringify(routes)} ${JSON.stringify(shadow)}`).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.details?.map((detail) => detail.field)).toContain(field);
    }
    // Weights are integers: GraphQL itself refuses 50.5 for an Int.
    expect(await gqlOutcome(server.url, SET, { input: { functionId: fnId, name: 'prod', routes: [{ version: '1.0.0', weight: 50.5 }] } }, developer)).toBe(
      'BAD_USER_INPUT',
    );
    // Nothing was changed by the refusals.
    const { function: fn } = await graphqlData(server.url, 'query($id: ID!) { function(id: $id) { aliases { name routes { version weight } } } }', {
      id: fnId,
    });
    expect(fn.aliases.find((alias: { name: string }) => alias.name === 'prod').routes).toEqual([
      { version: '1.0.0', weight: 90 },
      { version: '1.1.0', weight: 10 },
    ]);
    expect(await gqlOutcome(server.url, 'mutation { invokeFunction(input: { name: "split", alias: "prod", version: "1.0.0" }) { id } }', {}, undefined)).toBe(
      'BAD_USER_INPUT',
    );
    expect(await gqlOutcome(server.url, 'mutation { invokeFunction(input: { name: "split", alias: "nope" }) { id } }', {}, undefined)).toBe('NOT_FOUND');
    const unknown = await call(server.url, '/fn/split@nope');
    expect([unknown.status, JSON.parse(unknown.body).error.code]).toEqual([404, 'NOT_FOUND']);
    const badKey = await call(server.url, '/fn/split@prod', { 'x-fngraph-routing-key': 'x'.repeat(300) });
    expect([badKey.status, JSON.parse(badKey.body).error.code]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('lets only those who manage the function change its aliases', async () => {
    const viewer = await createKey(server.url, 'vic', ['viewer']);
    const otherDeveloper = await createKey(server.url, 'eve', ['developer']);
    const routes = [{ version: '1.1.0', weight: 100 }];
    expect((await setAlias('prod', routes, null, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, DELETE, { f: fnId, n: 'prod' }, viewer)).toBe('FORBIDDEN');
    // Another developer cannot even see the function: it answers like a missing one.
    expect((await setAlias('prod', routes, null, otherDeveloper)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, DELETE, { f: fnId, n: 'prod' }, otherDeveloper)).toBe('NOT_FOUND');
    const anonymous = await fetch(`${server.url}/functions/${fnId}/aliases/prod`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routes }),
    });
    expect(anonymous.status).toBe(401);
    // Admins may.
    expect((await setAlias('admin-set', routes)).errors).toBeUndefined();
    expect((await call(server.url, '/fn/split@prod')).status).toBe(200);
  });

  it('audits every set and delete with the alias before and after', async () => {
    await setAlias('audited', [{ version: '1.0.0', weight: 100 }], null, developer);
    await setAlias(
      'audited',
      [
        { version: '1.0.0', weight: 80 },
        { version: '1.1.0', weight: 20 },
      ],
      { version: '1.3.0', percent: 5 },
      developer,
    );
    await graphqlData(server.url, DELETE, { f: fnId, n: 'audited' }, developer);
    const set = (await graphqlData(server.url, AUDIT, { f: { action: 'alias.set', targetId: fnId } })).auditLog.nodes.filter(
      (entry: { details: { alias: string } }) => entry.details.alias === 'audited',
    );
    expect(set).toHaveLength(2);
    expect(set[0]).toMatchObject({ actorId: 'dora', details: { function: 'split', alias: 'audited' } });
    expect(JSON.parse(set[0].details.before)).toEqual({ routes: [{ version: '1.0.0', weight: 100 }], shadow: null });
    expect(JSON.parse(set[0].details.after)).toEqual({
      routes: [
        { version: '1.0.0', weight: 80 },
        { version: '1.1.0', weight: 20 },
      ],
      shadow: { version: '1.3.0', percent: 5 },
    });
    expect(set[1].details.before).toBeNull();
    const deleted = (await graphqlData(server.url, AUDIT, { f: { action: 'alias.delete', targetId: fnId } })).auditLog.nodes;
    expect(deleted.find((entry: { details: { alias: string } }) => entry.details.alias === 'audited')).toMatchObject({
      actorId: 'dora',
      details: { after: null },
    });
  });

  it('serves aliases over REST: list, get, put, delete', async () => {
    const base = `${server.url}/functions/${fnId}/aliases`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${developer}` };
    const put = await fetch(`${base}/rest`, { method: 'PUT', headers, body: JSON.stringify({ routes: [{ version: '1.1.0', weight: 100 }] }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ functionId: fnId, name: 'rest', routes: [{ version: '1.1.0', weight: 100 }], shadow: null, updatedBy: 'dora' });
    expect(await (await fetch(`${base}/rest`, { headers })).json()).toMatchObject({ name: 'rest' });
    const listed = (await (await fetch(base, { headers })).json()) as Array<{ name: string }>;
    expect(listed.map((alias) => alias.name)).toContain('rest');
    expect(listed.map((alias) => alias.name)).toEqual([...listed.map((alias) => alias.name)].sort());
    expect((await call(server.url, '/fn/split@rest')).version).toBe('1.1.0');
    const bad = await fetch(`${base}/rest`, { method: 'PUT', headers, body: JSON.stringify({ routes: [{ version: '1.1.0', weight: 100 }], extra: 1 }) });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect((await fetch(`${base}/rest`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(`${base}/rest`, { method: 'DELETE', headers })).status).toBe(404);
    expect((await fetch(`${base}/rest`, { headers })).status).toBe(404);
  });

  it("keeps a deleted function's aliases readable", async () => {
    const other = await register(server.url, 'split-gone', WHICH, {}, developer);
    const set = await graphql(server.url, SET, { input: { functionId: other.id, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] } }, developer);
    expect(set.errors).toBeUndefined();
    await graphqlData(server.url, 'mutation($id: ID!) { deleteFunction(id: $id) { id } }', { id: other.id }, developer);
    const { function: fn } = await graphqlData(server.url, 'query($id: ID!) { function(id: $id) { deletedAt aliases { name routes { version } } } }', {
      id: other.id,
    });
    expect(fn.deletedAt).not.toBeNull();
    expect(fn.aliases).toEqual([{ name: 'prod', routes: [{ version: '1.0.0' }] }]);
    expect((await call(server.url, '/fn/split-gone@prod')).status).toBe(404);
    // A deleted function's aliases cannot change.
    expect(
      (await graphql(server.url, SET, { input: { functionId: other.id, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] } }, developer)).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOT_FOUND');
  });
});

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('aliases on two nodes', () => {
  const cluster = new Cluster('fngraph_aliases');
  let a: ServerProcess;
  let b: ServerProcess;
  let fnId: string;

  beforeAll(async () => {
    a = await cluster.node('alias-a');
    b = await cluster.node('alias-b');
    fnId = (await register(a.url, 'split-nodes', WHICH, { version: '1.0.0' })).id;
    await register(a.url, 'split-nodes', WHICH, { version: '1.1.0' });
  }, 120_000);

  afterAll(() => cluster.destroy());

  it('moves and deletes an alias on one node and the other routes by it from its next call', async () => {
    const setOn = (routes: Array<{ version: string; weight: number }>) => graphqlData(a.url, SET, { input: { functionId: fnId, name: 'prod', routes } });
    await setOn([{ version: '1.0.0', weight: 100 }]);
    // Node B caches the alias on its first call...
    expect((await call(b.url, '/fn/split-nodes@prod')).version).toBe('1.0.0');
    expect((await call(b.url, '/fn/split-nodes@prod')).version).toBe('1.0.0');
    // ...and drops it when node A changes it.
    await setOn([
      { version: '1.0.0', weight: 0 },
      { version: '1.1.0', weight: 100 },
    ]);
    expect((await call(b.url, '/fn/split-nodes@prod')).version).toBe('1.1.0');
    await graphqlData(a.url, DELETE, { f: fnId, n: 'prod' });
    expect((await call(b.url, '/fn/split-nodes@prod')).status).toBe(404);
    // The default alias set on A is followed by /fn/<name> on B.
    await graphqlData(a.url, SET, { input: { functionId: fnId, name: 'default', routes: [{ version: '1.0.0', weight: 100 }] } });
    expect((await call(b.url, '/fn/split-nodes')).version).toBe('1.0.0');
  }, 60_000);
});
