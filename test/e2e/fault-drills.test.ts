import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { newApiKeyToken, rememberAdminKey } from '../support/credentials.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { scrape } from '../support/prometheus.js';
import { register } from '../support/functions.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../support/services.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { dockerConnectionOptions } from '@/adapters/sandbox/docker/docker-connection.js';

interface Invocation {
  id: string;
  status: string;
  attempt: number;
  nodeId: string | null;
  error: { type: string; message: string } | null;
  response: unknown;
}

const FIELDS = 'id status attempt nodeId error { type message } response';

/** Fast failure detection for the drills: a node silent for 3 s is dead. */
const FAST_FAILOVER = {
  FNGRAPH_NODE_HEARTBEAT_SECONDS: '1',
  FNGRAPH_NODE_TIMEOUT_SECONDS: '3',
  FNGRAPH_JOB_LEASE_SECONDS: '2',
  FNGRAPH_MAX_INSTANCES_PER_FUNCTION: '16',
};

const read = async (node: ServerProcess, id: string): Promise<Invocation> =>
  (await graphqlData(node.url, `query($id: ID!) { invocation(id: $id) { ${FIELDS} } }`, { id })).invocation as Invocation;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const killHard = (node: ServerProcess) =>
  new Promise<void>((resolve) => {
    node.child.once('exit', () => resolve());
    node.child.kill('SIGKILL');
  });

/**
 * What happens when nodes die: on real Redis and a real MongoDB-protocol store, with server
 * processes killed the hard way. Nothing accepted is lost or left RUNNING.
 */
describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('fault drills: nodes killed', () => {
  const cluster = new Cluster('fngraph_drills', FAST_FAILOVER);
  const node = (nodeId: string, env: Record<string, string> = {}) => cluster.node(nodeId, env);

  afterEach(() => cluster.stopNodes());
  afterAll(() => cluster.destroy());

  it('kill -9 of a worker mid-job: the job runs again on another worker, once, and its subscribers end', async () => {
    const api = await node('drill-api', { FNGRAPH_ROLE: 'api' });
    const first = await node('drill-worker-1', { FNGRAPH_ROLE: 'worker' });
    await register(
      api.url,
      'long-job',
      `export default async () => { for (let i = 1; i <= 20; i++) { console.log('step ' + i); await new Promise((r) => setTimeout(r, 100)); } return 'done'; }`,
    );
    const client = wsClient(api.url);
    try {
      const { id } = (await graphqlData(api.url, 'mutation { invokeFunction(input: { name: "long-job", async: true }) { id } }')).invokeFunction;
      const updates = subscribe<{ invocationUpdated: { status: string; nodeId: string | null } }>(
        client,
        'subscription($id: ID) { invocationUpdated(invocationId: $id) { status nodeId } }',
        { id },
      );
      const lines = subscribe<{ invocationLogs: { seq: number } }>(client, 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq } }', { id });
      await until('the job running on worker 1', async () => ((await read(api, id)).nodeId === 'drill-worker-1' ? true : undefined));
      await killHard(first);
      await node('drill-worker-2', { FNGRAPH_ROLE: 'worker' });

      const final = await until('the job to finish', async () => {
        const record = await read(api, id);
        return record.status === 'SUCCEEDED' ? record : undefined;
      });
      expect(final).toMatchObject({ status: 'SUCCEEDED', attempt: 2, nodeId: 'drill-worker-2', response: 'done' });
      expect((await updates.done).at(-1)?.invocationUpdated).toEqual({ status: 'SUCCEEDED', nodeId: 'drill-worker-2' });
      // The stream ends; the second run's lines are what the record keeps (numbered after what the first run printed).
      expect((await lines.done).length).toBeGreaterThanOrEqual(20);
    } finally {
      await client.dispose();
    }
  }, 60_000);

  it('kill -9 of a node under synchronous load: its calls end FAILED NODE_LOST within the sweep time, and subscribers hear it', async () => {
    const doomed = await node('drill-doomed');
    const survivor = await node('drill-survivor');
    const fn = await register(survivor.url, 'sleeper', `export default async () => { await new Promise((r) => setTimeout(r, 20000)); return 'late'; }`, {
      executionConfig: { timeout: 30, maxInstances: 8 },
    });
    const calls = Array.from({ length: 6 }, () => fetch(`${doomed.url}/fn/sleeper`).catch((error: Error) => error));
    const running = await until('6 running calls stored', async () => {
      const page = await graphqlData(
        survivor.url,
        'query($f: ID) { invocations(functionId: $f, status: RUNNING, first: 20) { edges { node { id nodeId } } } }',
        { f: fn.id },
      );
      const ids = page.invocations.edges.map((edge: { node: { id: string } }) => edge.node.id) as string[];
      return ids.length === 6 ? ids : undefined;
    });
    const client = wsClient(survivor.url);
    try {
      const watched = running.map(
        (id) =>
          subscribe<{ invocationUpdated: { status: string } }>(client, 'subscription($id: ID) { invocationUpdated(invocationId: $id) { status } }', { id })
            .done,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const killedAt = Date.now();
      await killHard(doomed);
      expect((await Promise.all(calls)).every((outcome) => outcome instanceof Error)).toBe(true);

      const ended = await Promise.all(watched);
      const sweptAfterMs = Date.now() - killedAt;
      for (const updates of ended) expect(updates.at(-1)?.invocationUpdated.status).toBe('FAILED');
      for (const id of running) expect(await read(survivor, id)).toMatchObject({ status: 'FAILED', error: { type: 'NODE_LOST' }, nodeId: 'drill-doomed' });
      // Bounded: node timeout (3 s) + a heartbeat (1 s) + slack for a busy machine; far below the 20 s the calls would have run.
      expect(sweptAfterMs).toBeLessThan(15_000);
    } finally {
      await client.dispose();
    }
  }, 60_000);
});

const dockerAvailable = await dockerAnswers();

/** The same on the Docker executor: a dead node's containers do not run on; another node removes them. */
describeWithDocker('fault drills: a node with Docker sandboxes killed', dockerAvailable && MONGODB_URI !== undefined && REDIS_URL !== undefined, () => {
  const cluster = new Cluster('fngraph_drills_docker', { ...FAST_FAILOVER, FNGRAPH_EXECUTOR: 'docker', FNGRAPH_DOCKER_HOST: dockerHost });
  const docker = new Docker(dockerConnectionOptions(dockerHost));

  afterAll(() => cluster.destroy());

  const containersOf = async (nodeId: string) => docker.listContainers({ all: true, filters: { label: [`fngraph.node=${nodeId}`] } });

  it('ends the dead node’s calls NODE_LOST and removes its containers', async () => {
    const doomed = await cluster.node('drill-docker-doomed');
    const survivor = await cluster.node('drill-docker-survivor');
    await register(survivor.url, 'docker-sleeper', `export default async () => { await new Promise((r) => setTimeout(r, 20000)); return 'late'; }`, {
      executionConfig: { timeout: 30 },
    });
    const call = fetch(`${doomed.url}/fn/docker-sleeper`).catch((error: Error) => error);
    const id = await until('the call running in a container', async () => {
      const page = await graphqlData(survivor.url, '{ invocations(status: RUNNING, first: 5) { edges { node { id } } } }');
      return page.invocations.edges[0]?.node.id as string | undefined;
    });
    expect((await containersOf('drill-docker-doomed')).length).toBeGreaterThan(0);
    await killHard(doomed);
    expect(await call).toBeInstanceOf(Error);

    await until('the call ended NODE_LOST', async () => ((await read(survivor, id)).status === 'FAILED' ? true : undefined));
    expect(await read(survivor, id)).toMatchObject({ status: 'FAILED', error: { type: 'NODE_LOST' } });
    await until('the dead node’s containers removed', async () => ((await containersOf('drill-docker-doomed')).length === 0 ? true : undefined));
  }, 90_000);
});

/**
 * SIGTERM of a node of two, with calls waiting on it and queued jobs running on it: calls that
 * finish within the grace period are answered; the others are cut, their clients and records
 * saying FAILED `Shutdown`; the cut jobs go back to the queue and run to the end on the other node.
 */
function sigtermOnTwoNodes(executor: 'process' | 'docker', env: Record<string, string> = {}): void {
  const cluster = new Cluster(`fngraph_sigterm_${executor}`, { ...FAST_FAILOVER, FNGRAPH_SHUTDOWN_GRACE_SECONDS: '2', ...env });
  afterAll(() => cluster.destroy());

  it(`keeps its word on the ${executor} executor: answered calls and records agree, cut jobs finish elsewhere`, async () => {
    const leaving = await cluster.node(`sigterm-${executor}-leaving`);
    await register(leaving.url, 'quick', `export default async () => { await new Promise((r) => setTimeout(r, 300)); return { done: 'quick' }; }`);
    await register(leaving.url, 'endless', `export default async () => { await new Promise((r) => setTimeout(r, 30000)); return 'never'; }`, {
      executionConfig: { timeout: 60 },
    });
    await register(leaving.url, 'job', `export default async (event) => { await new Promise((r) => setTimeout(r, 10000)); return 'job ' + event.body; }`, {
      executionConfig: { timeout: 30 },
    });
    const jobs = await Promise.all(
      [1, 2].map(
        async (n) =>
          (await graphqlData(leaving.url, `mutation { invokeFunction(input: { name: "job", async: true, event: { body: "${n}" } }) { id } }`)).invokeFunction
            .id as string,
      ),
    );
    await until('both jobs running on the leaving node', async () => {
      const records = await Promise.all(jobs.map((id) => read(leaving, id)));
      return records.every((record) => record.status === 'RUNNING') ? true : undefined;
    });
    const staying = await cluster.node(`sigterm-${executor}-staying`);
    const call = (name: string) =>
      fetch(`${leaving.url}/fn/${name}`).then(async (response) => ({
        status: response.status,
        id: response.headers.get('x-fngraph-invocation-id') as string,
        body: (await response.json()) as { error?: { type: string } },
      }));
    const calls = [call('quick'), call('quick'), call('endless'), call('endless')];
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<number | null>((resolve) => leaving.child.once('exit', (code) => resolve(code)));
    leaving.child.kill('SIGTERM');

    const answers = await Promise.all(calls);
    expect(await exited).toBe(0);
    expect(answers.map((answer) => [answer.status, answer.body.error?.type])).toEqual([
      [200, undefined],
      [200, undefined],
      [502, 'Shutdown'],
      [502, 'Shutdown'],
    ]);
    for (const answer of answers) {
      const record = await read(staying, answer.id);
      expect(record.status).toBe(answer.status === 200 ? 'SUCCEEDED' : 'FAILED');
      if (answer.status !== 200) expect(record.error?.type).toBe('Shutdown');
    }
    for (const [i, id] of jobs.entries()) {
      const final = await until(`job ${i + 1} finished on the other node`, async () => {
        const record = await read(staying, id);
        return record.status === 'SUCCEEDED' ? record : undefined;
      });
      // The cut run does not count as an attempt.
      expect(final).toMatchObject({ nodeId: `sigterm-${executor}-staying`, attempt: 1, response: `job ${i + 1}` });
    }
  }, 90_000);
}

describe.skipIf(skipWithout('MongoDB and Redis', MONGODB_URI && REDIS_URL))('fault drills: SIGTERM of a node of two (process)', () =>
  sigtermOnTwoNodes('process'),
);

describeWithDocker('fault drills: SIGTERM of a node of two (Docker)', dockerAvailable && MONGODB_URI !== undefined && REDIS_URL !== undefined, () =>
  sigtermOnTwoNodes('docker', { FNGRAPH_EXECUTOR: 'docker', FNGRAPH_DOCKER_HOST: dockerHost }),
);

/** Graceful shutdown keeps its word: on SIGTERM every answered call's record says what its client was told. */
describe('fault drills: SIGTERM under load (embedded store, restarted on the same data)', () => {
  it('answers short calls, cuts long ones as FAILED Shutdown (client and record agree), refuses new ones, and exits', async () => {
    const adminKey = newApiKeyToken();
    const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-sigterm-'));
    const env = {
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_DATA_DIR: dataDir,
      // Long enough for eight cold starts on a busy machine, far shorter than the endless calls.
      FNGRAPH_SHUTDOWN_GRACE_SECONDS: '10',
      FNGRAPH_MAX_INSTANCES_PER_FUNCTION: '16',
    };
    let server = await startServerProcess(env);
    rememberAdminKey(server.url, adminKey);
    try {
      await register(server.url, 'quick', `export default async () => { await new Promise((r) => setTimeout(r, 3000)); return { done: 'quick' }; }`, {
        executionConfig: { maxInstances: 12 },
      });
      await register(server.url, 'endless', `export default async () => { await new Promise((r) => setTimeout(r, 60000)); return 'never'; }`, {
        executionConfig: { timeout: 90, maxInstances: 4 },
      });
      const call = (name: string) =>
        fetch(`${server.url}/fn/${name}`).then(async (response) => ({
          status: response.status,
          id: response.headers.get('x-fngraph-invocation-id'),
          body: (await response.json()) as { error?: { type: string } },
        }));
      const calls = [...Array.from({ length: 8 }, () => call('quick')), ...Array.from({ length: 3 }, () => call('endless'))];
      // SIGTERM once the server has accepted every call (each is running), however slow the machine is today.
      await until('all eleven calls in flight', async () => {
        const metrics = await scrape(server.url);
        const running = (name: string) => metrics.value('fngraph_invocations_in_flight', { function: name });
        return running('quick') === 8 && running('endless') === 3 ? true : undefined;
      });
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await fetch(`${server.url}/fn/quick`).catch((error: Error) => error);
      if (!(refused instanceof Error)) {
        expect(refused.status).toBe(503);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
      }
      const answers = await Promise.all(calls);
      expect(await exited).toBe(0);

      expect(answers.slice(0, 8).map((answer) => answer.status)).toEqual(Array(8).fill(200));
      expect(answers.slice(8).map((answer) => [answer.status, answer.body.error?.type])).toEqual(Array(3).fill([502, 'Shutdown']));

      // Back on the same data: every record says what its client got.
      server = await startServerProcess(env);
      rememberAdminKey(server.url, adminKey);
      for (const answer of answers) {
        const record = await read(server, answer.id as string);
        expect(record.status).toBe(answer.status === 200 ? 'SUCCEEDED' : 'FAILED');
        if (answer.status !== 200) expect(record.error?.type).toBe('Shutdown');
      }
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
