import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken, rememberAdminKey } from '../support/credentials.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';

const LOGS = 'subscription($id: ID!, $from: Int) { invocationLogs(invocationId: $id, fromSeq: $from) { seq message } }';
const LINES = 200;

interface Line {
  invocationLogs: { seq: number; message: string };
}

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('two server nodes on one Redis and one MongoDB', () => {
  const database = `fngraph_nodes_${randomBytes(4).toString('hex')}`;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const adminKey = newApiKeyToken();
    const env = {
      MONGODB_URI: `${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`,
      REDIS_URL: REDIS_URL as string,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
    };
    // One after the other: the first creates the shared admin key, the second finds it.
    a = await startServerProcess(env);
    b = await startServerProcess(env);
    for (const node of [a, b]) rememberAdminKey(node.url, adminKey);
    await register(
      a.url,
      'ticker',
      `export default async (event) => {
        const count = Number(event.query.count ?? event.body ?? 5);
        for (let i = 1; i <= count; i++) {
          console.log('tick ' + i);
          await new Promise((r) => setTimeout(r, 5));
        }
        return { ticks: count };
      }`,
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const connection = await mongoose.createConnection(`${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  const invokeAsyncOn = async (node: ServerProcess, count: number) =>
    (
      await graphqlData(node.url, 'mutation($body: String) { invokeFunction(input: { name: "ticker", async: true, event: { body: $body } }) { id } }', {
        body: String(count),
      })
    ).invokeFunction.id as string;

  it('streams to node A the logs of an invocation running on node B, in order and complete', async () => {
    const client = wsClient(a.url);
    try {
      const id = await invokeAsyncOn(b, LINES);
      const lines = await subscribe<Line>(client, LOGS, { id }).done;
      expect(lines.map((l) => l.invocationLogs.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
      expect(lines.at(-1)?.invocationLogs.message).toBe(`tick ${LINES}`);
    } finally {
      await client.dispose();
    }
  });

  it('shows on node A the status transitions of an invocation on node B', async () => {
    const client = wsClient(a.url);
    try {
      const id = await invokeAsyncOn(b, 40);
      const updates = await subscribe<{ invocationUpdated: { status: string; durationMs: number | null; logs: unknown[] } }>(
        client,
        'subscription($id: ID) { invocationUpdated(invocationId: $id) { status durationMs logs { seq } } }',
        { id },
      ).done;
      const statuses = updates.map((u) => u.invocationUpdated.status);
      expect(statuses.at(-1)).toBe('SUCCEEDED');
      expect(new Set(statuses).size).toBe(statuses.length);
      expect(updates.at(-1)?.invocationUpdated.durationMs).toBeGreaterThan(0);
      expect(updates.at(-1)?.invocationUpdated.logs).toHaveLength(40);
    } finally {
      await client.dispose();
    }
  });

  it('resumes after a disconnect with fromSeq: no gap, no duplicate, while lines are still produced', async () => {
    const id = await invokeAsyncOn(b, LINES);
    const seen: number[] = [];
    const first = wsClient(a.url);
    await new Promise<void>((resolve, reject) => {
      const stop = first.subscribe<Line>(
        { query: LOGS, variables: { id } },
        {
          next: (m) => {
            seen.push((m.data as Line).invocationLogs.seq);
            if (seen.length === 30) {
              stop();
              resolve();
            }
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    await first.dispose();
    await new Promise((r) => setTimeout(r, 100));
    const second = wsClient(a.url);
    try {
      const rest = await subscribe<Line>(second, LOGS, { id, from: seen.at(-1) }).done;
      seen.push(...rest.map((l) => l.invocationLogs.seq));
    } finally {
      await second.dispose();
    }
    expect(seen).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
  });

  it('serves an update made on node A from node B at once', async () => {
    const pinned = await register(a.url, 'cached', 'export default async () => "old"');
    expect(await (await fetch(`${b.url}/fn/cached`)).text()).toBe('old');
    await graphqlData(a.url, 'mutation($id: ID!, $code: String!) { updateFunction(id: $id, input: { code: $code }) { id } }', {
      id: pinned.id,
      code: Buffer.from('export default async () => "new"').toString('base64'),
    });
    expect(await (await fetch(`${b.url}/fn/cached`)).text()).toBe('new');
    await graphqlData(a.url, 'mutation($id: ID!) { deleteFunction(id: $id) { id } }', { id: pinned.id });
    expect((await fetch(`${b.url}/fn/cached`)).status).toBe(404);
  });

  it('delivers functionLogs and functionMetrics on node A for invocations on node B', async () => {
    const { id: functionId } = (await graphqlData(a.url, '{ functionByName(name: "ticker") { id } }')).functionByName;
    const client = wsClient(a.url);
    try {
      const logs: string[] = [];
      let stopLogs = () => undefined as void;
      const gotLogs = new Promise<void>((resolve, reject) => {
        stopLogs = client.subscribe<{ functionLogs: { message: string } }>(
          { query: 'subscription($f: ID!) { functionLogs(functionId: $f) { message invocationId } }', variables: { f: functionId } },
          { next: (m) => (logs.push(m.data!.functionLogs.message), logs.length >= 6 && resolve()), error: reject, complete: resolve },
        );
      });
      let stopMetrics = () => undefined as void;
      const gotMetrics = new Promise<{ invocations: number; warmInstances: number }>((resolve, reject) => {
        stopMetrics = client.subscribe<{ functionMetrics: { invocations: number; warmInstances: number } }>(
          {
            query: 'subscription($f: ID!) { functionMetrics(functionId: $f, intervalSeconds: 1) { invocations warmInstances errorRate p50DurationMs } }',
            variables: { f: functionId },
          },
          {
            next: (m) => {
              const metrics = m.data!.functionMetrics;
              if (metrics.invocations >= 2 && metrics.warmInstances >= 1) resolve(metrics);
            },
            error: reject,
            complete: () => reject(new Error('metrics ended')),
          },
        );
      });
      await new Promise((r) => setTimeout(r, 200));
      await fetch(`${b.url}/fn/ticker?count=3`);
      await fetch(`${b.url}/fn/ticker?count=3`);
      await gotLogs;
      const metrics = await gotMetrics;
      stopLogs();
      stopMetrics();
      expect(logs.slice(0, 6)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 1', 'tick 2', 'tick 3']);
      expect(metrics.invocations).toBeGreaterThanOrEqual(2);
    } finally {
      await client.dispose();
    }
  }, 30_000);
});
