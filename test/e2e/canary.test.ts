import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { createKey, gqlOutcome } from '../support/security.js';
import { Cluster } from '../support/cluster.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';
import { graphql, graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

const STABLE = `export default async () => ({ version: 'stable' })`;
const HEALTHY = `export default async () => ({ version: 'candidate' })`;
const FAILING = `export default async () => { throw new Error('candidate is broken'); }`;

const CANARY_FIELDS = `id functionId alias stableVersion candidateVersion status steps stepIndex weight stepSeconds minInvocations maxErrorRateIncrease maxP99Ratio
  startedAt stepStartedAt finishedAt reason startedBy
  decisions { at step weight action reason stable { count errors errorRate p99DurationMs } candidate { count errors errorRate p99DurationMs } }`;
const START = `mutation($input: StartCanaryInput!) { startCanary(input: $input) { ${CANARY_FIELDS} } }`;
const ABORT = `mutation($functionId: ID!, $alias: String!) { abortCanary(functionId: $functionId, alias: $alias) { ${CANARY_FIELDS} } }`;
const CANARY = `query($functionId: ID!, $alias: String!) { canary(functionId: $functionId, alias: $alias) { ${CANARY_FIELDS} } }`;
const UPDATED = `subscription($functionId: ID!, $alias: String!) { canaryUpdated(functionId: $functionId, alias: $alias) { id status stepIndex weight decisions { action step weight } } }`;
const SET_ALIAS = `mutation($input: SetAliasInput!) { setAlias(input: $input) { name routes { version weight } updatedBy } }`;
const ALIASES = `query($id: ID!) { function(id: $id) { aliases { name routes { version weight } updatedBy } } }`;
const AUDIT = `query($targetId: String) { auditLog(filter: { targetId: $targetId }, first: 100) { edges { node { action actorId details } } } }`;

interface Decision {
  action: string;
  step: number;
  weight: number;
  reason: string;
  stable: { count: number; errors: number; errorRate: number; p99DurationMs: number | null } | null;
  candidate: { count: number; errors: number; errorRate: number; p99DurationMs: number | null } | null;
}
interface CanaryView {
  id: string;
  status: string;
  stepIndex: number;
  weight: number;
  reason: string | null;
  stableVersion: string;
  candidateVersion: string;
  steps: number[];
  decisions: Decision[];
}

/**
 * Short steps: the minimum is lowered for tests, and each node looks at its canaries often.
 * Tests of healthy candidates allow a p99 ratio of 5: both versions run the same trivial code
 * here, and on a shared, busy test machine a few-call p99 is scheduling noise.
 */
const CANARY_ENV = { FNGRAPH_CANARY_MIN_STEP_SECONDS: '1', FNGRAPH_CANARY_CHECK_INTERVAL_MS: '100' };

/** Registers `stable` as 1.0.0 and `candidate` as 2.0.0 (both READY), and points `prod` at 1.0.0. */
async function twoVersions(url: string, name: string, candidate: string): Promise<string> {
  const fn = await register(url, name, STABLE, { version: '1.0.0' });
  await register(url, name, candidate, { version: '2.0.0' });
  for (const version of ['1.0.0', '2.0.0']) {
    const ready = await until(
      () =>
        graphqlData<{ functionVersion: { buildStatus: string } }>(
          url,
          'query($f: ID!, $v: String!) { functionVersion(functionId: $f, version: $v) { buildStatus } }',
          { f: fn.id, v: version },
        ),
      (data) => data.functionVersion.buildStatus !== 'BUILDING',
    );
    expect(ready.functionVersion.buildStatus).toBe('READY');
  }
  await graphqlData(url, SET_ALIAS, { input: { functionId: fn.id, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] } });
  return fn.id as string;
}

async function latestCanary(url: string, functionId: string): Promise<CanaryView | null> {
  return (await graphqlData<{ canary: CanaryView | null }>(url, CANARY, { functionId, alias: 'prod' })).canary;
}

async function aliasRoutes(url: string, functionId: string): Promise<{ routes: Array<{ version: string; weight: number }>; updatedBy: string | null }> {
  const { function: fn } = await graphqlData<{
    function: { aliases: Array<{ name: string; routes: Array<{ version: string; weight: number }>; updatedBy: string | null }> };
  }>(url, ALIASES, { id: functionId });
  return fn.aliases.find((alias) => alias.name === 'prod')!;
}

/**
 * Calls `/fn/<name>@prod` in the background until stopped: the traffic a canary judges.
 * Returns the versions that answered (from x-fngraph-version).
 */
function driveTraffic(url: string, name: string): { stop: () => Promise<Map<string, number>> } {
  let running = true;
  const served = new Map<string, number>();
  const loop = (async () => {
    while (running) {
      const response = await fetch(`${url}/fn/${name}@prod`).catch(() => null);
      if (!response) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      await response.arrayBuffer();
      const version = response.headers.get('x-fngraph-version') ?? 'none';
      served.set(version, (served.get(version) ?? 0) + 1);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return served;
    },
  };
}

/**
 * A subscription shows the canary's states in order, each once, through to the end. It may
 * begin after the first ones (the subscription becomes active at some point after the call):
 * then it begins with the state current at that moment.
 */
function expectProgress(seen: string[], expected: string[]): void {
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen).toEqual(expected.slice(expected.indexOf(seen[0]!)));
}

interface AuditView {
  action: string;
  actorId: string;
  details: Record<string, unknown>;
}

/**
 * The function's canary audit entries, once `last` is among them: an entry is written after
 * the decision it records is stored (and visible), so it may trail it a little.
 */
async function canaryAudit(url: string, functionId: string, last: string): Promise<AuditView[]> {
  return until(
    async () =>
      (await graphqlData<{ auditLog: { edges: Array<{ node: AuditView }> } }>(url, AUDIT, { targetId: functionId })).auditLog.edges
        .map((edge) => edge.node)
        .filter((entry) => entry.action.startsWith('canary.')),
    (entries) => entries.some((entry) => entry.action === last),
  );
}

/** Which versions answer `calls` sequential calls to `/fn/<name>@prod`. */
async function servedBy(url: string, name: string, calls: number): Promise<Map<string, number>> {
  const served = new Map<string, number>();
  for (let i = 0; i < calls; i += 1) {
    const response = await fetch(`${url}/fn/${name}@prod`);
    await response.arrayBuffer();
    const version = response.headers.get('x-fngraph-version') ?? 'none';
    served.set(version, (served.get(version) ?? 0) + 1);
  }
  return served;
}

/** How many of the function's latest 100 invocations ran `version`. */
async function callsOf(url: string, functionId: string, version: string): Promise<number> {
  const { invocations } = await graphqlData<{ invocations: { edges: Array<{ node: { version: string; status: string } }> } }>(
    url,
    'query($f: ID!) { invocations(functionId: $f, first: 100) { edges { node { version status } } } }',
    { f: functionId },
  );
  return invocations.edges.filter((edge) => edge.node.version === version && edge.node.status === 'SUCCEEDED').length;
}

describe('canary releases', () => {
  let server: TestServer;
  const traffic: Array<{ stop: () => Promise<unknown> }> = [];

  beforeAll(async () => {
    server = await startTestServer(CANARY_ENV);
  });

  afterEach(async () => {
    await Promise.all(traffic.splice(0).map((t) => t.stop()));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('rolls a failing candidate back by itself, with the figures, in the audit log too', async () => {
    const functionId = await twoVersions(server.url, 'canary-failing', FAILING);
    const load = driveTraffic(server.url, 'canary-failing');
    traffic.push(load);
    const started = await graphqlData<{ startCanary: CanaryView }>(server.url, START, {
      input: { functionId, alias: 'prod', candidateVersion: '2.0.0', steps: [50, 100], stepSeconds: 1, minInvocations: 5 },
    });
    expect(started.startCanary).toMatchObject({ status: 'RUNNING', stableVersion: '1.0.0', candidateVersion: '2.0.0', stepIndex: 0, weight: 50 });

    const ended = await until(
      () => latestCanary(server.url, functionId),
      (canary) => canary?.status !== 'RUNNING',
    );
    expect(ended?.status).toBe('ROLLED_BACK');
    expect(ended?.weight).toBe(0);
    const rollback = ended!.decisions.at(-1)!;
    expect(rollback).toMatchObject({ action: 'ROLLBACK', step: 0, weight: 0 });
    expect(rollback.candidate!.count).toBeGreaterThanOrEqual(5);
    expect(rollback.candidate!.errors).toBe(rollback.candidate!.count);
    expect(rollback.candidate!.errorRate).toBe(1);
    expect(rollback.stable!.errors).toBe(0);
    expect(ended!.reason).toMatch(/^error rate 100\.0% \(\d+\/\d+\) against stable 0\.0% \(0\/\d+\): more than 5\.0% above$/);

    // The alias is back on the stable version: every call from now on answers from 1.0.0.
    expect(await aliasRoutes(server.url, functionId)).toEqual({ name: 'prod', routes: [{ version: '1.0.0', weight: 100 }], updatedBy: 'system:canary' });
    await load.stop();
    expect(await servedBy(server.url, 'canary-failing', 20)).toEqual(new Map([['1.0.0', 20]]));

    const audit = await canaryAudit(server.url, functionId, 'canary.rollback');
    const start = audit.find((entry) => entry.action === 'canary.start');
    expect(start).toMatchObject({ details: { canary: ended!.id, candidateVersion: '2.0.0', weight: 50 } });
    expect(start?.actorId).not.toBe('system:canary');
    expect(audit.find((entry) => entry.action === 'canary.rollback')).toMatchObject({
      actorId: 'system:canary',
      details: { canary: ended!.id, status: 'ROLLED_BACK', reason: ended!.reason, candidateErrors: rollback.candidate!.errors },
    });
  });

  it('promotes a healthy candidate through every step, and the subscription shows each one', async () => {
    const functionId = await twoVersions(server.url, 'canary-healthy', HEALTHY);
    const client = wsClient(server.url);
    const updates: Array<{ canaryUpdated: { status: string; stepIndex: number; weight: number } }> = [];
    const subscription = subscribe<{ canaryUpdated: { status: string; stepIndex: number; weight: number } }>(
      client,
      UPDATED,
      { functionId, alias: 'prod' },
      (u) => updates.push(u),
    );
    try {
      traffic.push(driveTraffic(server.url, 'canary-healthy'));
      await graphqlData(server.url, START, {
        input: { functionId, alias: 'prod', candidateVersion: '2.0.0', steps: [20, 60, 100], stepSeconds: 1, minInvocations: 3, maxP99Ratio: 5 },
      });
      const ended = await until(
        () => latestCanary(server.url, functionId),
        (canary) => canary?.status !== 'RUNNING',
        60_000,
      );
      expect(ended?.status, ended?.reason ?? '').toBe('PROMOTED');
      expect(ended?.decisions.map((d) => [d.action, d.step, d.weight])).toEqual([
        ['START', 0, 20],
        ['ADVANCE', 0, 60],
        ['ADVANCE', 1, 100],
        ['PROMOTE', 2, 100],
      ]);
      for (const decision of ended!.decisions.slice(1)) expect(decision.candidate!.count).toBeGreaterThanOrEqual(3);
      expect((await aliasRoutes(server.url, functionId)).routes).toEqual([{ version: '2.0.0', weight: 100 }]);

      const seen = await until(
        () => updates.map((u) => `${u.canaryUpdated.status}:${u.canaryUpdated.weight}`),
        (list) => list.includes('PROMOTED:100'),
      );
      expectProgress(seen, ['RUNNING:20', 'RUNNING:60', 'RUNNING:100', 'PROMOTED:100']);
      const audit = (await canaryAudit(server.url, functionId, 'canary.promote')).map((entry) => entry.action);
      expect(audit.sort()).toEqual(['canary.advance', 'canary.advance', 'canary.promote', 'canary.start']);
    } finally {
      await client.dispose();
      await subscription.done.catch(() => undefined);
    }
  });

  it('rolls back a step that never gets enough candidate calls, after three step lengths', async () => {
    const functionId = await twoVersions(server.url, 'canary-idle', HEALTHY);
    const started = (
      await graphqlData<{ startCanary: CanaryView & { startedAt: string } }>(server.url, START, {
        input: { functionId, alias: 'prod', candidateVersion: '2.0.0', stepSeconds: 1, minInvocations: 5 },
      })
    ).startCanary;
    const ended = await until(
      () => latestCanary(server.url, functionId),
      (canary) => canary?.status !== 'RUNNING',
    );
    expect(ended).toMatchObject({ status: 'ROLLED_BACK', reason: '0 candidate call(s), fewer than the 5 required, after 3 step lengths' });
    const rollback = ended!.decisions.at(-1) as Decision & { at: string };
    expect(Date.parse(rollback.at) - Date.parse(started.startedAt)).toBeGreaterThanOrEqual(3000);
    expect((await aliasRoutes(server.url, functionId)).routes).toEqual([{ version: '1.0.0', weight: 100 }]);
  });

  it('aborts when someone changes the alias by hand, leaving it as they set it', async () => {
    const functionId = await twoVersions(server.url, 'canary-hand-edit', HEALTHY);
    await graphqlData(server.url, START, { input: { functionId, alias: 'prod', candidateVersion: '2.0.0', stepSeconds: 3600 } });
    expect((await aliasRoutes(server.url, functionId)).routes).toEqual([
      { version: '1.0.0', weight: 90 },
      { version: '2.0.0', weight: 10 },
    ]);
    await graphqlData(server.url, SET_ALIAS, {
      input: {
        functionId,
        name: 'prod',
        routes: [
          { version: '1.0.0', weight: 70 },
          { version: '2.0.0', weight: 30 },
        ],
      },
    });
    const ended = await until(
      () => latestCanary(server.url, functionId),
      (canary) => canary?.status !== 'RUNNING',
    );
    expect(ended?.status).toBe('ABORTED');
    expect(ended?.reason).toMatch(/^alias prod was changed by .+ during the canary$/);
    expect((await aliasRoutes(server.url, functionId)).routes).toEqual([
      { version: '1.0.0', weight: 70 },
      { version: '2.0.0', weight: 30 },
    ]);
  });

  it('aborts when the function is deleted', async () => {
    const functionId = await twoVersions(server.url, 'canary-deleted', HEALTHY);
    await graphqlData(server.url, START, { input: { functionId, alias: 'prod', candidateVersion: '2.0.0', stepSeconds: 3600 } });
    await graphqlData(server.url, 'mutation($id: ID!) { deleteFunction(id: $id) { id } }', { id: functionId });
    const ended = await until(
      () => latestCanary(server.url, functionId),
      (canary) => canary?.status !== 'RUNNING',
    );
    expect(ended).toMatchObject({ status: 'ABORTED', reason: 'the function was deleted during the canary' });
  });

  it('abortCanary points the alias back at the stable version; bad input is refused with codes', async () => {
    const functionId = await twoVersions(server.url, 'canary-abort', HEALTHY);
    const refused = async (input: Record<string, unknown>) => {
      const result = await graphql(server.url, START, { input: { functionId, alias: 'prod', candidateVersion: '2.0.0', ...input } });
      return result.errors?.[0]?.extensions?.code;
    };
    expect(await refused({ candidateVersion: '9.9.9' })).toBe('BAD_USER_INPUT');
    expect(await refused({ candidateVersion: '1.0.0' })).toBe('BAD_USER_INPUT');
    expect(await refused({ alias: 'staging' })).toBe('BAD_USER_INPUT');
    expect(await refused({ steps: [50, 20, 100] })).toBe('BAD_USER_INPUT');
    expect(await refused({ steps: [10, 50] })).toBe('BAD_USER_INPUT');
    expect(await refused({ stepSeconds: 0 })).toBe('BAD_USER_INPUT');
    expect(await refused({ stepSeconds: 3601 })).toBe('BAD_USER_INPUT');
    expect(await refused({ maxErrorRateIncrease: 2 })).toBe('BAD_USER_INPUT');
    expect(await refused({ functionId: 'nope' })).toBe('NOT_FOUND');

    await graphqlData(server.url, START, { input: { functionId, alias: 'prod', candidateVersion: '2.0.0', stepSeconds: 3600 } });
    expect(await refused({})).toBe('CONFLICT');
    const aborted = (await graphqlData<{ abortCanary: CanaryView }>(server.url, ABORT, { functionId, alias: 'prod' })).abortCanary;
    expect(aborted).toMatchObject({ status: 'ABORTED', weight: 0 });
    expect(aborted.decisions.at(-1)).toMatchObject({ action: 'ABORT' });
    expect((await aliasRoutes(server.url, functionId)).routes).toEqual([{ version: '1.0.0', weight: 100 }]);
    const again = await graphql(server.url, ABORT, { functionId, alias: 'prod' });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('canary permissions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(CANARY_ENV);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lets only those who may manage the function start or abort, and those who may read its invocations read', async () => {
    const owner = await createKey(server.url, 'olga', ['developer']);
    const otherDeveloper = await createKey(server.url, 'dan', ['developer']);
    const viewer = await createKey(server.url, 'vic', ['viewer']);
    const fn = await register(
      server.url,
      'canary-owned',
      STABLE,
      { version: '1.0.0', metadata: { permissions: { public: false, allowedUsers: ['vic'], executionRoles: [] } } },
      owner,
    );
    await register(
      server.url,
      'canary-owned',
      HEALTHY,
      { version: '2.0.0', metadata: { permissions: { public: false, allowedUsers: ['vic'], executionRoles: [] } } },
      owner,
    );
    await until(
      () =>
        graphqlData<{ functionVersion: { buildStatus: string } }>(
          server.url,
          'query($f: ID!) { functionVersion(functionId: $f, version: "2.0.0") { buildStatus } }',
          { f: fn.id },
        ),
      (data) => data.functionVersion.buildStatus !== 'BUILDING',
    );
    await graphqlData(server.url, SET_ALIAS, { input: { functionId: fn.id, name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] } }, owner);
    const input = { functionId: fn.id, alias: 'prod', candidateVersion: '2.0.0', stepSeconds: 3600 };

    expect(await gqlOutcome(server.url, START, { input }, viewer)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, START, { input }, otherDeveloper)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, START, { input }, null)).toBe('UNAUTHENTICATED');
    expect(await gqlOutcome(server.url, START, { input }, owner)).toBe('ok');

    // The viewer is an allowed user (reads the function's invocations); the other developer sees nothing.
    expect(await gqlOutcome(server.url, CANARY, { functionId: fn.id, alias: 'prod' }, viewer)).toBe('ok');
    expect(await gqlOutcome(server.url, CANARY, { functionId: fn.id, alias: 'prod' }, otherDeveloper)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, ABORT, { functionId: fn.id, alias: 'prod' }, viewer)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, ABORT, { functionId: fn.id, alias: 'prod' }, otherDeveloper)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, ABORT, { functionId: fn.id, alias: 'prod' }, owner)).toBe('ok');
  });
});

describe('canary across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-canary-restart-'));
  const env = {
    ...CANARY_ENV,
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    FNGRAPH_BOOTSTRAP_ADMIN_KEY: newApiKeyToken(),
  };
  let server: TestServer | undefined;

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a running canary where it was when the server comes back on the same data', async () => {
    server = await startTestServer(env);
    const functionId = await twoVersions(server.url, 'canary-restart', HEALTHY);
    let load = driveTraffic(server.url, 'canary-restart');
    await graphqlData(server.url, START, {
      input: { functionId, alias: 'prod', candidateVersion: '2.0.0', steps: [50, 100], stepSeconds: 4, minInvocations: 5, maxP99Ratio: 5 },
    });
    // Enough candidate calls for the first step, then down (mid-step, or in the second step waiting for calls).
    expect(
      await until(
        () => callsOf(server!.url, functionId, '2.0.0'),
        (n) => n >= 5,
      ),
    ).toBeGreaterThanOrEqual(5);
    await load.stop();
    const before = (await latestCanary(server.url, functionId))!;
    expect(before.status).toBe('RUNNING');
    await server.close();

    server = await startTestServer(env);
    const resumed = await latestCanary(server.url, functionId);
    expect(resumed).toMatchObject({ id: before.id, status: 'RUNNING' });
    expect(resumed!.decisions.slice(0, before.decisions.length)).toEqual(before.decisions);
    load = driveTraffic(server.url, 'canary-restart');
    const ended = await until(
      () => latestCanary(server!.url, functionId),
      (canary) => canary?.status !== 'RUNNING',
      60_000,
    );
    await load.stop();
    expect(ended?.status).toBe('PROMOTED');
    expect(ended?.decisions.map((d) => d.action)).toEqual(['START', 'ADVANCE', 'PROMOTE']);
    expect((await aliasRoutes(server.url, functionId)).routes).toEqual([{ version: '2.0.0', weight: 100 }]);
  });
});

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('canary on two nodes sharing Redis and MongoDB', () => {
  let cluster: Cluster;

  beforeAll(() => {
    // Both nodes look at the canary every 50 ms: they compete for every decision.
    cluster = new Cluster('fngraph_canary', { ...CANARY_ENV, FNGRAPH_CANARY_CHECK_INTERVAL_MS: '50' });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('makes each decision exactly once, whichever node makes it, and shows it on the other', async () => {
    const a = await cluster.node('canary-a');
    const b = await cluster.node('canary-b');
    const functionId = await twoVersions(a.url, 'canary-cluster', HEALTHY);
    const client = wsClient(b.url);
    const updates: string[] = [];
    const subscription = subscribe<{ canaryUpdated: { status: string; weight: number } }>(client, UPDATED, { functionId, alias: 'prod' }, (u) =>
      updates.push(`${u.canaryUpdated.status}:${u.canaryUpdated.weight}`),
    );
    const loads = [driveTraffic(a.url, 'canary-cluster'), driveTraffic(b.url, 'canary-cluster')];
    try {
      await graphqlData(a.url, START, {
        input: { functionId, alias: 'prod', candidateVersion: '2.0.0', steps: [25, 50, 100], stepSeconds: 1, minInvocations: 3, maxP99Ratio: 5 },
      });
      const ended = await until(
        () => latestCanary(b.url, functionId),
        (canary) => canary?.status !== 'RUNNING',
        60_000,
      );
      expect(ended?.status, ended?.reason ?? '').toBe('PROMOTED');
      expect(ended?.decisions.map((d) => `${d.action}:${d.step}`)).toEqual(['START:0', 'ADVANCE:0', 'ADVANCE:1', 'PROMOTE:2']);
      const audit = (await canaryAudit(b.url, functionId, 'canary.promote')).map((entry) => entry.action);
      expect(audit.sort()).toEqual(['canary.advance', 'canary.advance', 'canary.promote', 'canary.start']);
      const seen = await until(
        () => [...updates],
        (list) => list.includes('PROMOTED:100'),
      );
      expectProgress(seen, ['RUNNING:25', 'RUNNING:50', 'RUNNING:100', 'PROMOTED:100']);
    } finally {
      await Promise.all(loads.map((load) => load.stop()));
      await client.dispose();
      await subscription.done.catch(() => undefined);
    }
  });
});
