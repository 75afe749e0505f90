import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken, rememberAdminKey } from '../support/credentials.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, skipWithout } from '../support/services.js';
import { redisServerBinary, throwawayRedis, type ThrowawayService } from '../support/throwaway-services.js';

const REDIS_BIN = redisServerBinary();
const LOGS = 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq message droppedBefore } }';
const UPDATES = 'subscription($id: ID) { invocationUpdated(invocationId: $id) { status } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Line {
  invocationLogs: { seq: number; message: string; droppedBefore: number };
}

/**
 * Redis stopped and started again under two nodes (A runs the invocations, B serves the
 * subscribers; one MongoDB): requests are not held for the outage, and live subscribers
 * lose nothing. Redis is this test's own, on a fixed port, so it can be restarted.
 */
describe.skipIf(skipWithout('MongoDB', MONGODB_URI) || !REDIS_BIN)('a Redis outage under two nodes', () => {
  const database = `fngraph_outage_${randomBytes(4).toString('hex')}`;
  const mongoUri = `${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`;
  let redis: ThrowawayService;
  let a: ServerProcess;
  let b: ServerProcess;
  let closed: ServerProcess;
  let tickerId: string;

  beforeAll(async () => {
    redis = await throwawayRedis(REDIS_BIN as string);
    const adminKey = newApiKeyToken();
    const env = {
      MONGODB_URI: mongoUri,
      REDIS_URL: redis.url,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
      // Every limit on, generous: each request and invocation goes through the limiter.
      FNGRAPH_RATE_LIMIT_REQUESTS: '100000',
      FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '100000',
      FNGRAPH_RATE_LIMIT_FUNCTION_INVOCATIONS: '100000',
      FNGRAPH_QUOTA_DAILY_INVOCATIONS_PER_OWNER: '100000',
    };
    // One after the other: the first creates the shared admin key, the others find it.
    a = await startServerProcess(env);
    [b, closed] = await Promise.all([startServerProcess(env), startServerProcess({ ...env, FNGRAPH_RATE_LIMIT_ON_REDIS_DOWN: 'closed' })]);
    for (const node of [a, b, closed]) rememberAdminKey(node.url, adminKey);
    await register(a.url, 'hello', 'export default async () => "hi"');
    const ticker = await register(
      a.url,
      'ticker',
      `export default async (event) => {
        const count = Number(event.query.count ?? 10);
        for (let i = 1; i <= count; i++) {
          console.log('line ' + i);
          await new Promise((r) => setTimeout(r, 100));
        }
        return { lines: count };
      }`,
      { executionConfig: { timeout: 60 } },
    );
    tickerId = ticker.id;
  }, 90_000);

  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await Promise.all([a?.stop(), b?.stop(), closed?.stop()]);
    await redis?.dispose();
    const connection = await mongoose.createConnection(mongoUri).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  /** Stops Redis, runs `during`, then starts Redis again (also if `during` fails); `restarted()` says whether it has been. */
  async function withRedisDown<T>(during: (restarted: () => boolean) => Promise<T>): Promise<T> {
    let restarted = false;
    await redis.stop();
    try {
      return await during(() => restarted);
    } finally {
      restarted = true;
      await redis.start();
    }
  }

  /** Starts a synchronous call of the ticker on A (so it runs there) and resolves its invocation id, as B finds it in storage. */
  async function tickOnA(count: number): Promise<{ id: string; response: Promise<Response> }> {
    const running = async () =>
      (
        await graphqlData(b.url, 'query($f: ID) { invocations(functionId: $f, status: RUNNING, first: 10) { nodes { id } } }', { f: tickerId })
      ).invocations.nodes.map((n: { id: string }) => n.id) as string[];
    const before = new Set(await running());
    const response = fetch(`${a.url}/fn/ticker?count=${count}`);
    for (;;) {
      const found = (await running()).find((id) => !before.has(id));
      if (found) return { id: found, response };
      await sleep(50);
    }
  }

  it('answers requests during the outage without waiting for Redis (fail open), and refuses them at once when set to fail closed', async () => {
    await withRedisDown(async (restarted) => {
      const answers = await Promise.all([
        ...Array.from({ length: 5 }, () => fetch(`${a.url}/fn/hello`).then(async (r) => ({ status: r.status, body: await r.text(), restarted: restarted() }))),
        graphqlData(a.url, 'mutation { invokeFunction(input: { name: "hello" }) { status response } }').then((data) => ({
          status: 200,
          body: data.invokeFunction.response,
          restarted: restarted(),
        })),
      ]);
      for (const answer of answers) expect(answer).toEqual({ status: 200, body: 'hi', restarted: false });

      const refused = await fetch(`${closed.url}/fn/hello`);
      expect(restarted()).toBe(false);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await refused.json()).error.code).toBe('SERVICE_UNAVAILABLE');
    });
    // Once Redis is back, the closed node serves again (its first command may still find the connection down).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++, await sleep(100)) status = (await fetch(`${closed.url}/fn/hello`)).status;
    expect(status).toBe(200);
  }, 60_000);

  it('streams to B every line of an invocation on A once and in order across an outage mid-run', async () => {
    const { id, response } = await tickOnA(60);
    const client = wsClient(b.url);
    try {
      let outage: Promise<void> | null = null;
      const logs = subscribe<Line>(client, LOGS, { id }, (line) => {
        if (line.invocationLogs.seq === 10 && !outage) outage = withRedisDown(async () => void (await sleep(2000)));
      });
      const lines = await logs.done;
      expect(outage).not.toBeNull();
      await outage;
      expect(lines.map((l) => l.invocationLogs.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(lines.map((l) => l.invocationLogs.message)).toEqual(Array.from({ length: 60 }, (_, i) => `line ${i + 1}`));
      expect(lines.every((l) => l.invocationLogs.droppedBefore === 0)).toBe(true);
      expect((await response).status).toBe(200);
    } finally {
      await client.dispose();
    }
  }, 60_000);

  it("gives B's subscribers the final status and the last lines of an invocation that ended during the outage", async () => {
    const { id, response } = await tickOnA(15);
    const client = wsClient(b.url);
    try {
      const updates = subscribe<{ invocationUpdated: { status: string } }>(client, UPDATES, { id });
      let firstLine: () => void = () => undefined;
      const gotFirstLine = new Promise<void>((resolve) => (firstLine = resolve));
      const logs = subscribe<Line>(client, LOGS, { id }, () => firstLine());
      await gotFirstLine;
      let endedDuringOutage = false;
      await withRedisDown(async (restarted) => {
        // A's answer: the invocation has ended, Redis still down.
        expect((await response).status).toBe(200);
        endedDuringOutage = !restarted();
        await sleep(500);
      });
      expect(endedDuringOutage).toBe(true);
      const [statuses, lines] = await Promise.all([updates.done, logs.done]);
      expect(statuses.at(-1)?.invocationUpdated.status).toBe('SUCCEEDED');
      expect(lines.map((l) => l.invocationLogs.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    } finally {
      await client.dispose();
    }
  }, 60_000);
});
