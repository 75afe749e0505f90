import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { authHeaders } from '../support/credentials.js';
import { graphql, graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import type { ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';

interface Invocation {
  id: string;
  status: string;
  trigger: string;
  attempt: number;
  nodeId: string | null;
  response: unknown;
  error: { type: string; message: string } | null;
  request: { body: string | null };
}

const INVOCATION_FIELDS = 'id status trigger attempt nodeId response error { type message } request { body }';

/**
 * Async invocations on the BullMQ queue, two nodes on one Redis and one MongoDB-protocol
 * store: a burst on one node runs on both, retries and dead letters follow the function's
 * policy, destinations receive outcomes, REST answers 202 with a Location, and
 * idempotency keys make re-sends run once.
 */
describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('async invocations on the job queue, two nodes', () => {
  // Few at a time per node, so a burst must spread to be done soon.
  const cluster = new Cluster('fngraph_queue', { FNGRAPH_WORKER_CONCURRENCY: '4' });
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    a = await cluster.node('queue-node-a');
    b = await cluster.node('queue-node-b');
    await register(a.url, 'slow-echo', `export default async (event) => { await new Promise((r) => setTimeout(r, 300)); return { echo: event.body }; }`, {
      executionConfig: { maxInstances: 4 },
    });
    await register(a.url, 'always-fails', `export default async () => { console.log('trying'); throw new Error('nope'); }`, {
      executionConfig: { retry: { attempts: 3, backoffSeconds: 0 }, destinations: { onFailure: 'failure-sink' } },
    });
    await register(a.url, 'failure-sink', `export default async (event) => ({ got: JSON.parse(event.body) })`);
  }, 90_000);

  afterAll(() => cluster.destroy());

  const invokeAsync = async (node: ServerProcess, name: string, body: string, idempotencyKey?: string): Promise<Invocation> =>
    (
      await graphqlData(
        node.url,
        `mutation($name: String!, $body: String, $key: String) { invokeFunction(input: { name: $name, async: true, event: { body: $body }, idempotencyKey: $key }) { ${INVOCATION_FIELDS} } }`,
        { name, body, key: idempotencyKey },
      )
    ).invokeFunction as Invocation;

  const read = async (node: ServerProcess, id: string): Promise<Invocation> =>
    (await graphqlData(node.url, `query($id: ID!) { invocation(id: $id) { ${INVOCATION_FIELDS} } }`, { id })).invocation as Invocation;

  async function waitFinal(node: ServerProcess, id: string, timeoutMs = 30_000): Promise<Invocation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await read(node, id);
      if (!['QUEUED', 'RUNNING'].includes(record.status)) return record;
      if (Date.now() > deadline) throw new Error(`invocation ${id} still ${record.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('runs a burst of 60 sent to one node on both nodes, each once', async () => {
    const queued = await Promise.all(Array.from({ length: 60 }, (_, i) => invokeAsync(a, 'slow-echo', `call ${i}`)));
    expect(queued.every((invocation) => invocation.status === 'QUEUED' && invocation.attempt === 0 && invocation.nodeId === null)).toBe(true);
    // Every id returned is durable: the other node finds it at once.
    await Promise.all(queued.map(async (invocation) => expect((await read(b, invocation.id)).id).toBe(invocation.id)));

    const finished = await Promise.all(queued.map((invocation) => waitFinal(b, invocation.id)));
    expect(finished.map((invocation) => invocation.status)).toEqual(Array(60).fill('SUCCEEDED'));
    expect(finished.map((invocation) => invocation.response)).toEqual(Array.from({ length: 60 }, (_, i) => ({ echo: `call ${i}` })));
    expect(finished.every((invocation) => invocation.attempt === 1 && invocation.trigger === 'ASYNC')).toBe(true);
    const perNode = new Map<string, number>();
    for (const invocation of finished) perNode.set(invocation.nodeId ?? '?', (perNode.get(invocation.nodeId ?? '?') ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['queue-node-a', 'queue-node-b']);
  });

  it('retries a failing function as its policy says, then dead-letters it and sends the failure to its destination', async () => {
    const client = wsClient(b.url);
    try {
      const queued = await invokeAsync(a, 'always-fails', 'payload-1');
      const updates = subscribe<{ invocationUpdated: { status: string; attempt: number } }>(
        client,
        'subscription($id: ID) { invocationUpdated(invocationId: $id) { status attempt } }',
        { id: queued.id },
      );
      const final = await waitFinal(a, queued.id);
      expect(final).toMatchObject({ status: 'DEAD_LETTERED', attempt: 3, error: { type: 'Error', message: 'nope' } });
      expect((await updates.done).at(-1)?.invocationUpdated).toEqual({ status: 'DEAD_LETTERED', attempt: 3 });
      // The lines of every attempt, numbered on.
      const logs = (await graphqlData(a.url, 'query($id: ID!) { invocation(id: $id) { logs { seq message } } }', { id: queued.id })).invocation.logs;
      expect(logs.filter((line: { message: string }) => line.message === 'trying').map((line: { seq: number }) => line.seq)).toHaveLength(3);

      const listed = await graphqlData(a.url, '{ invocations(status: DEAD_LETTERED, first: 50) { edges { node { id } } } }');
      expect(listed.invocations.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(queued.id);

      const sinkId = (await graphqlData(a.url, '{ functionByName(name: "failure-sink") { id } }')).functionByName.id;
      const deadline = Date.now() + 20_000;
      let delivered: Invocation | undefined;
      while (!delivered && Date.now() < deadline) {
        const page = await graphqlData(a.url, `query($f: ID) { invocations(functionId: $f, first: 10) { edges { node { ${INVOCATION_FIELDS} } } } }`, {
          f: sinkId,
        });
        delivered = page.invocations.edges.map((edge: { node: Invocation }) => edge.node).find((node: Invocation) => node.status === 'SUCCEEDED');
        if (!delivered) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(delivered).toMatchObject({ trigger: 'DESTINATION' });
      expect(delivered?.response).toMatchObject({
        got: { source: { invocationId: queued.id, functionName: 'always-fails', attempt: 3 }, status: 'DEAD_LETTERED', error: { message: 'nope' } },
      });
    } finally {
      await client.dispose();
    }
  });

  it('re-drives a dead-lettered invocation with a fresh set of attempts, once', async () => {
    const queued = await invokeAsync(a, 'always-fails', 'payload-2');
    // Node b re-drives it, whichever node ran it: a node shows the dead letter (from its
    // recorder) a batch before storage holds it, and a re-drive there waits for that batch.
    expect((await waitFinal(b, queued.id)).status).toBe('DEAD_LETTERED');
    const redriven = await graphqlData(b.url, `mutation($id: ID!) { redriveInvocation(id: $id) { ${INVOCATION_FIELDS} } }`, { id: queued.id });
    expect(redriven.redriveInvocation).toMatchObject({ id: queued.id, status: 'QUEUED', attempt: 0 });
    const again = await graphql(b.url, 'mutation($id: ID!) { redriveInvocation(id: $id) { id } }', { id: queued.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const final = await waitFinal(a, queued.id);
    expect(final).toMatchObject({ status: 'DEAD_LETTERED', attempt: 3, request: { body: 'payload-2' } });
  });

  it('answers REST calls that prefer async with 202 and the Location of the invocation', async () => {
    const response = await fetch(`${a.url}/fn/slow-echo`, { method: 'POST', headers: { prefer: 'respond-async', 'content-type': 'text/plain' }, body: 'rest' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { invocationId: string; status: string };
    expect(body.status).toBe('QUEUED');
    expect(response.headers.get('location')).toBe(`/invocations/${body.invocationId}`);
    const lambdaStyle = await fetch(`${b.url}/fn/slow-echo`, { method: 'POST', headers: { 'x-fngraph-invocation-type': 'Event' }, body: 'event' });
    expect(lambdaStyle.status).toBe(202);

    // Followed on node b: a node shows an invocation's end (from its recorder) a batch before storage holds it, so
    // the end seen on the node that ran it is not yet what the other node reads.
    await waitFinal(b, body.invocationId);
    const followed = await fetch(`${b.url}${response.headers.get('location')}`, { headers: authHeaders(a.url) });
    expect(followed.status).toBe(200);
    expect(await followed.json()).toMatchObject({ id: body.invocationId, status: 'SUCCEEDED', trigger: 'ASYNC', response: { echo: 'rest' } });
  });

  it('runs a call re-sent with the same idempotency key once, on either node', async () => {
    const key = `order-${randomBytes(4).toString('hex')}`;
    const first = await invokeAsync(a, 'slow-echo', 'once', key);
    const second = await invokeAsync(b, 'slow-echo', 'twice', key);
    expect(second.id).toBe(first.id);

    const httpKey = `pay-${randomBytes(4).toString('hex')}`;
    const calls = await Promise.all(
      [a, b, a].map((node) =>
        fetch(`${node.url}/fn/slow-echo`, {
          method: 'POST',
          headers: { ...authHeaders(node.url), 'idempotency-key': httpKey, 'content-type': 'text/plain' },
          body: 'sync',
        }),
      ),
    );
    const ids = calls.map((response) => response.headers.get('x-fngraph-invocation-id'));
    expect(new Set(ids).size).toBe(1);
    expect(calls.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const response of calls) expect(await response.json()).toEqual({ echo: 'sync' });

    const badKey = await graphql(a.url, 'mutation { invokeFunction(input: { name: "slow-echo", idempotencyKey: "" }) { id } }');
    expect(badKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Anonymous callers cannot be told apart: one would get another's invocation.
    const anonymous = await fetch(`${a.url}/fn/slow-echo`, { headers: { 'idempotency-key': httpKey } });
    expect(anonymous.status).toBe(400);
  });
});
