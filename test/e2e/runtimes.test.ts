import { accessSync, constants } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from '../support/graphql-client.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const QUERY = '{ runtimes { id languages available executor } }';
const docker = await dockerAnswers();

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

describe('runtimes query: process executor', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_SANDBOX_PYTHON_BINARY: '/usr/bin/python3' });
  });
  afterAll(() => server.close());

  it('lists every runtime, node always available, python when its interpreter exists', async () => {
    const { runtimes } = await graphqlData(server.url, QUERY);
    expect(runtimes).toEqual([
      { id: 'nodejs20', languages: ['javascript', 'typescript'], available: true, executor: 'PROCESS' },
      { id: 'python3.11', languages: ['python'], available: executable('/usr/bin/python3'), executor: 'PROCESS' },
    ]);
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

describeWithDocker('runtimes query: Docker executor', docker, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_EXECUTOR: 'docker', FNGRAPH_DOCKER_HOST: dockerHost });
  });
  afterAll(() => server?.close());

  it('reports the runtimes whose images are present', async () => {
    const { runtimes } = await graphqlData(server.url, QUERY);
    expect(runtimes.map((r: { executor: string }) => r.executor)).toEqual(['DOCKER', 'DOCKER']);
    // The runtime images are built by docker/build-runtime-images.sh before the tests.
    expect(runtimes.find((r: { id: string }) => r.id === 'nodejs20').available).toBe(true);
  });
});
