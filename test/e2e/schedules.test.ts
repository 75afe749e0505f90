import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken, rememberAdminKey } from '../support/credentials.js';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { until } from '../support/until.js';
import { scrape } from '../support/prometheus.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';

const SOURCE = `export default async (event) => ({ tick: event.headers['x-fngraph-scheduled-time'], body: event.body })`;
const SCHEDULES = 'query($id: ID!) { function(id: $id) { schedules { id cron timezone payload enabled nextRunAt lastRunAt lastInvocationId lastError } } }';
const UPDATE = 'mutation($id: ID!, $schedules: [FunctionScheduleInput!]) { updateFunction(id: $id, input: { schedules: $schedules }) { id } }';

interface ScheduleView {
  id: string;
  cron: string;
  timezone: string;
  payload: unknown;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastInvocationId: string | null;
  lastError: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls to the claim port on one node: how many ticks it competed for. */
async function claimAttempts(node: ServerProcess): Promise<number> {
  const metrics = await scrape(node.url);
  return metrics.value('fngraph_storage_operation_duration_seconds_count', { repository: 'scheduleClaims', operation: 'claim', outcome: 'ok' });
}

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('schedules: two nodes on one Redis and one MongoDB', () => {
  const database = `fngraph_schedules_${randomBytes(4).toString('hex')}`;
  const databaseUri = `${(MONGODB_URI ?? '').replace(/\/?$/, '/')}${database}`;
  let a: ServerProcess;
  let b: ServerProcess;
  let connection: mongoose.Connection;

  beforeAll(async () => {
    const adminKey = newApiKeyToken();
    const env = {
      MONGODB_URI: databaseUri,
      REDIS_URL: REDIS_URL as string,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
      // Per-second schedules, so that a test sees many ticks.
      FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS: '1',
    };
    a = await startServerProcess({ ...env, FNGRAPH_NODE_ID: 'sched-a' });
    b = await startServerProcess({ ...env, FNGRAPH_NODE_ID: 'sched-b' });
    for (const node of [a, b]) rememberAdminKey(node.url, adminKey);
    connection = await mongoose.createConnection(databaseUri).asPromise();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (connection) {
      await connection.dropDatabase();
      await connection.close();
    }
  });

  it('runs each tick exactly once across both nodes, as a SCHEDULE invocation, and shows last and next runs', async () => {
    const before = await Promise.all([claimAttempts(a), claimAttempts(b)]);
    const fn = await register(a.url, 'every-second', SOURCE, {
      schedules: [{ id: 'tick', cron: '* * * * * *', payload: { hello: 'world' } }],
    });
    expect(fn.schedules).toEqual([{ id: 'tick', cron: '* * * * * *', timezone: 'UTC', payload: { hello: 'world' }, enabled: true }]);

    await sleep(6_000);
    // A tick's claim is stored before its invocation starts: read once the last claimed tick names its invocation.
    const [running] = await until(
      async () => (await graphqlData<{ function: { schedules: ScheduleView[] } }>(b.url, SCHEDULES, { id: fn.id })).function.schedules,
      ([schedule]) => schedule?.lastInvocationId != null,
      10_000,
    );
    expect(running).toMatchObject({ id: 'tick', cron: '* * * * * *', timezone: 'UTC', payload: { hello: 'world' }, enabled: true, lastError: null });
    expect(Date.parse(running!.nextRunAt!)).toBeGreaterThan(Date.parse(running!.lastRunAt!));
    expect(Date.parse(running!.nextRunAt!) - Date.now()).toBeLessThanOrEqual(1_000);
    expect(running!.lastInvocationId).toEqual(expect.any(String));
    const last = (
      await graphqlData(a.url, 'query($id: ID!) { invocation(id: $id) { trigger request { method path body headers } } }', { id: running!.lastInvocationId })
    ).invocation;
    expect(last).toMatchObject({ trigger: 'SCHEDULE', request: { method: 'POST', path: '/', body: '{"hello":"world"}' } });
    expect(last.request.headers['x-fngraph-scheduled-time']).toBe(running!.lastRunAt);

    // Disabled: no more ticks, the last run stays visible, no next run.
    await graphqlData(b.url, UPDATE, { id: fn.id, schedules: [{ id: 'tick', cron: '* * * * * *', payload: { hello: 'world' }, enabled: false }] });
    await sleep(1_500);
    const [stopped] = (await graphqlData<{ function: { schedules: ScheduleView[] } }>(a.url, SCHEDULES, { id: fn.id })).function.schedules;
    expect(stopped).toMatchObject({ id: 'tick', enabled: false, nextRunAt: null });
    expect(Date.parse(stopped!.lastRunAt!)).toBeGreaterThanOrEqual(Date.parse(running!.lastRunAt!));

    const claims = await connection.collection('schedule_claims').find({ functionId: fn.id }).toArray();
    const ticks = claims.map((claim) => (claim.tick as Date).toISOString());
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const claim of claims) {
      expect(['sched-a', 'sched-b']).toContain(claim.nodeId);
      expect(claim.error).toBeNull();
    }

    const page = await graphqlData(
      a.url,
      'query($id: ID!) { invocations(functionId: $id, first: 100) { nodes { id trigger callerId request { headers } } } }',
      {
        id: fn.id,
      },
    );
    const invocations = page.invocations.nodes as Array<{ id: string; trigger: string; callerId: string; request: { headers: Record<string, string> } }>;
    // Exactly one invocation per claimed tick: same ticks, no duplicates, each the one its claim names.
    expect(invocations.every((i) => i.trigger === 'SCHEDULE')).toBe(true);
    const invokedTicks = invocations.map((i) => i.request.headers['x-fngraph-scheduled-time']).sort();
    expect(invokedTicks).toEqual([...ticks].sort());
    expect(new Set(invocations.map((i) => i.id))).toEqual(new Set(claims.map((claim) => claim.invocationId)));

    // Both nodes competed for (nearly) every tick; the claims let one win each.
    const after = await Promise.all([claimAttempts(a), claimAttempts(b)]);
    const attempts = [after[0] - before[0], after[1] - before[1]];
    for (const tried of attempts) expect(tried).toBeGreaterThanOrEqual(ticks.length - 2);
    expect(attempts[0] + attempts[1]).toBeGreaterThan(ticks.length);
  }, 60_000);

  it('refuses bad schedules with BAD_USER_INPUT naming the field', async () => {
    const attempt = async (schedules: unknown[]) => {
      const result = await graphql(a.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
        input: functionDocument(`bad-${randomBytes(3).toString('hex')}`, SOURCE, { schedules }),
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return result.errors![0]!.extensions!.details!.map((d) => d.field);
    };
    expect(await attempt([{ cron: 'not a cron' }])).toContain('schedules.0.cron');
    expect(await attempt([{ cron: '61 * * * *' }])).toContain('schedules.0.cron');
    expect(await attempt([{ cron: '0 * * * *', timezone: 'Mars/Olympus_Mons' }])).toContain('schedules.0.timezone');
    expect(await attempt([{ cron: '0 0 30 2 *' }])).toContain('schedules.0.cron');
    expect(
      await attempt([
        { cron: '0 * * * *', id: 'same' },
        { cron: '5 * * * *', id: 'same' },
      ]),
    ).toContain('schedules.1.id');
    expect(await attempt(Array.from({ length: 11 }, (_, i) => ({ cron: `${i} * * * *` })))).toContain('schedules');

    const rest = await registerRest(a.url, functionDocument('bad-rest', SOURCE, { schedules: [{ cron: '* * *' }] }));
    expect(rest.status).toBe(400);
    expect(JSON.stringify(rest.body)).toContain('schedules.0.cron');
  });
});
