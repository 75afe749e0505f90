import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

// Three callers meet inside the sandbox before any of them answers: they only can if the
// version's concurrency reaches the sandbox (one sandbox, maxInstances 1).
const MEETING = `const sandbox = require('node:crypto').randomUUID();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export default async (event) => {
  globalThis.arrived = (globalThis.arrived || 0) + 1;
  console.log('arrived ' + event.body);
  while (globalThis.arrived < 3) await sleep(10);
  await sleep(5);
  console.log('leaving ' + event.body);
  return { me: event.body, sandbox };
};`;

describe('concurrency inside a sandbox, through the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves a version declaring concurrency 3 with three callers at once in one sandbox, each record with its own logs', async () => {
    const { id, versionId } = await register(server.url, 'meeting', MEETING, { executionConfig: { concurrency: 3, maxInstances: 1, timeout: 20 } });
    const responses = await Promise.all(
      ['a', 'b', 'c'].map((body) => fetch(`${server.url}/fn/meeting`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })),
    );
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, body: await response.json() })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.body.me)).toEqual(['a', 'b', 'c']);
    expect(new Set(answers.map((answer) => answer.body.sandbox)).size).toBe(1);
    expect(server.app.get(ExecutorService).functionInstances(id)).toEqual({ instances: 1, idle: 1 });
    expect(server.app.get(ExecutorService).poolStats(versionId)).toMatchObject({ served: 0, queued: 0 });

    const query = 'query($id: ID!) { invocation(id: $id) { status logs { message } cpuTimeMs memoryPeakBytes } }';
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      const invocationId = responses[i]!.headers.get('x-fngraph-invocation-id')!;
      const record = await until(
        async () => (await graphqlData(server.url, query, { id: invocationId })).invocation,
        (found) => found?.status === 'SUCCEEDED' && found.logs.length >= 2,
      );
      expect(record.logs.map((line: { message: string }) => line.message)).toEqual([`arrived ${name}`, `leaving ${name}`]);
      // Their CPU time was the process's, shared: not recorded as any one's.
      expect(record.cpuTimeMs).toBeNull();
      expect(record.memoryPeakBytes).toBeGreaterThan(0);
    }
  });
});
