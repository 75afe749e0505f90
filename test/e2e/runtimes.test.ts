import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNodeCandidates, nodeBinariesByMajor } from '@/adapters/sandbox/process/node-binaries.js';
import { graphqlData } from '../support/graphql-client.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { register, registerRest, waitForBuild } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const QUERY = '{ runtimes { id languages available executor deprecated deprecationReason } }';
const docker = await dockerAnswers();
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
/** The Node.js binaries this machine has by major (scripts/test installs 22 and 24 under .fngraph/node/). */
const nodes = nodeBinariesByMajor(defaultNodeCandidates(process.execPath, REPOSITORY));
const NODE = ['javascript', 'typescript'];
const VERSION_FUNCTION = 'export default async () => ({ version: process.version })';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function binary(major: number): string {
  const path = nodes.get(major);
  if (!path) throw new Error(`No Node.js ${major} here: run scripts/test (it installs it under .fngraph/node/${major}/)`);
  return path;
}

async function versionInside(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/fn/${name}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { version: string }).version;
}

describe('runtimes query and Node.js runtimes: process executor', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_SANDBOX_PYTHON_BINARY: '/usr/bin/python3', FNGRAPH_NODE_BINARIES: `${binary(24)},${binary(22)}` });
  });
  afterAll(() => server.close());

  it('lists every supported runtime with its interpreter present, and no deprecated one that is not installed', async () => {
    const { runtimes } = await graphqlData(server.url, QUERY);
    expect(runtimes).toEqual([
      { id: 'nodejs24', languages: NODE, available: true, executor: 'PROCESS', deprecated: false, deprecationReason: null },
      { id: 'nodejs22', languages: NODE, available: true, executor: 'PROCESS', deprecated: false, deprecationReason: null },
      { id: 'python3.11', languages: ['python'], available: executable('/usr/bin/python3'), executor: 'PROCESS', deprecated: false, deprecationReason: null },
    ]);
  });

  it('runs each function on the Node.js major it names, and node/nodejs/none on the newest', async () => {
    for (const [runtime, major] of [
      ['nodejs22', 22],
      ['node22', 22],
      ['nodejs24.x', 24],
      ['node', 24],
    ] as const) {
      const name = `on-${runtime.replace('.', '-')}`;
      const registered = await register(server.url, name, VERSION_FUNCTION, { runtime });
      expect(registered.runtime).toBe(`nodejs${major}`);
      expect(await versionInside(server.url, name)).toMatch(new RegExp(`^v${major}\\.`));
    }
    const unnamed = await register(server.url, 'on-default', VERSION_FUNCTION, { runtime: undefined });
    expect(unnamed.runtime).toBe('nodejs24');
  });

  it('refuses a runtime this server has not installed, and an unknown one, with BAD_USER_INPUT', async () => {
    const missing = await registerRest(server.url, {
      name: 'on-20',
      language: 'javascript',
      runtime: 'nodejs20',
      code: Buffer.from(VERSION_FUNCTION).toString('base64'),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Runtime nodejs20 is not installed on this server',
      details: [{ field: 'runtime', message: 'installed for javascript: nodejs24, nodejs22' }],
    });
    const unknown = await registerRest(server.url, {
      name: 'on-18',
      language: 'javascript',
      runtime: 'nodejs18',
      code: Buffer.from(VERSION_FUNCTION).toString('base64'),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Unknown runtime "nodejs18"' });
  });

  it('reports python unavailable when its interpreter is missing', async () => {
    const other = await startTestServer({ FNGRAPH_SANDBOX_PYTHON_BINARY: '/nonexistent/python3' });
    try {
      const { runtimes } = await graphqlData(other.url, QUERY);
      expect(runtimes.find((r: { id: string }) => r.id === 'python3.11').available).toBe(false);
    } finally {
      await other.close();
    }
  });
});

// nodejs20 exists only where a Node.js 20 binary does (this project's machines have one at /usr/bin/node).
describe.skipIf(!nodes.has(20))('deprecated nodejs20 while a Node.js 20 is installed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_NODE_BINARIES: `${binary(24)},${nodes.get(20)}` });
  });
  afterAll(() => server?.close());

  it('lists it as deprecated, with the reason', async () => {
    const { runtimes } = await graphqlData(server.url, QUERY);
    expect(runtimes.find((r: { id: string }) => r.id === 'nodejs20')).toEqual({
      id: 'nodejs20',
      languages: NODE,
      available: true,
      executor: 'PROCESS',
      deprecated: true,
      deprecationReason: 'Node.js 20 reached end of life on 2026-04-30: use nodejs24 (or nodejs22)',
    });
    expect(runtimes.find((r: { id: string }) => r.id === 'nodejs22')).toMatchObject({ available: false, deprecated: false });
  });

  it('registers and runs a function on it, with a warning in its build log; no runtime still means the newest', async () => {
    const registered = await register(server.url, 'legacy-20', VERSION_FUNCTION, { runtime: 'nodejs20' });
    expect(registered.runtime).toBe('nodejs20');
    expect(await versionInside(server.url, 'legacy-20')).toMatch(/^v20\./);
    const build = await waitForBuild(server.url, registered.id, registered.version);
    expect(build).toEqual({
      buildStatus: 'READY',
      buildLog: expect.stringMatching(/^WARNING: runtime nodejs20 is deprecated\. Node\.js 20 reached end of life/),
    });
    const current = await register(server.url, 'current-24', VERSION_FUNCTION, { runtime: undefined });
    expect(current.runtime).toBe('nodejs24');
    expect((await waitForBuild(server.url, current.id, current.version)).buildLog).toBe('');
  });
});

describeWithDocker('runtimes query and Node.js runtimes: Docker executor', docker, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_EXECUTOR: 'docker', FNGRAPH_DOCKER_HOST: dockerHost });
  });
  afterAll(() => server?.close());

  it('reports the runtimes whose images are present', async () => {
    const { runtimes } = await graphqlData(server.url, QUERY);
    expect(new Set(runtimes.map((r: { executor: string }) => r.executor))).toEqual(new Set(['DOCKER']));
    // The runtime images are built by docker/build-runtime-images.sh before the tests.
    expect(runtimes.filter((r: { available: boolean }) => r.available).map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['nodejs24', 'nodejs22', 'python3.11']),
    );
  });

  it('runs functions on nodejs22 and nodejs24 in their own images', async () => {
    for (const major of [22, 24]) {
      await register(server.url, `docker-on-${major}`, VERSION_FUNCTION, { runtime: `nodejs${major}` });
      expect(await versionInside(server.url, `docker-on-${major}`)).toMatch(new RegExp(`^v${major}\\.`));
    }
  });
});
