import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const LOGS = 'subscription($id: ID!, $from: Int) { invocationLogs(invocationId: $id, fromSeq: $from) { invocationId seq stream message } }';

interface LogLine {
  invocationLogs: { invocationId: string; seq: number; stream: string; message: string };
}

describe('invocationLogs subscription over graphql-ws', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await register(
      server.url,
      'slow-logger',
      `export default async () => {
        console.log('first line');
        await new Promise((r) => setTimeout(r, 300));
        console.log('second line');
        return 'done';
      }`,
    );
    await register(
      server.url,
      'chatty',
      `export default async () => {
        for (let i = 1; i <= 50; i++) {
          console.log('line ' + i);
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
        }
        return 'ok';
      }`,
    );
  });
  afterAll(() => server.close());

  const invokeAsync = async (name: string) =>
    (await graphqlData(server.url, `mutation { invokeFunction(input: { name: "${name}", async: true }) { id } }`)).invokeFunction.id as string;

  const statusOf = async (id: string) => (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status } }', { id })).invocation.status;

  it('delivers the first line while the invocation is still running', async () => {
    const client = wsClient(server.url);
    try {
      const id = await invokeAsync('slow-logger');
      let statusWhenFirstLineArrived: Promise<string> | undefined;
      const { done } = subscribe<LogLine>(client, LOGS, { id }, (data) => {
        if (data.invocationLogs.seq === 1) statusWhenFirstLineArrived = statusOf(id);
      });
      const lines = await done;
      expect(lines.map((l) => l.invocationLogs.message)).toEqual(['first line', 'second line']);
      expect(lines[0].invocationLogs).toMatchObject({ invocationId: id, seq: 1, stream: 'STDOUT' });
      expect(await statusWhenFirstLineArrived).toBe('RUNNING');
      expect(await statusOf(id)).toBe('SUCCEEDED');
    } finally {
      await client.dispose();
    }
  });

  it('gives a late subscriber the stored lines in order, then completes', async () => {
    const { invokeFunction } = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "chatty" }) { id status } }');
    expect(invokeFunction.status).toBe('SUCCEEDED');
    const client = wsClient(server.url);
    try {
      const all = await subscribe<LogLine>(client, LOGS, { id: invokeFunction.id }).done;
      expect(all.map((l) => l.invocationLogs.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const resumed = await subscribe<LogLine>(client, LOGS, { id: invokeFunction.id, from: 45 }).done;
      expect(resumed.map((l) => l.invocationLogs.message)).toEqual(['line 46', 'line 47', 'line 48', 'line 49', 'line 50']);
    } finally {
      await client.dispose();
    }
  });

  it('subscribing mid-run yields every line exactly once, in order', async () => {
    const client = wsClient(server.url);
    try {
      const id = await invokeAsync('chatty');
      await new Promise((r) => setTimeout(r, 30));
      const lines = await subscribe<LogLine>(client, LOGS, { id }).done;
      expect(lines.map((l) => l.invocationLogs.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    } finally {
      await client.dispose();
    }
  });

  it('answers an unknown invocation with NOT_FOUND', async () => {
    const client = wsClient(server.url);
    try {
      await expect(subscribe<LogLine>(client, LOGS, { id: 'missing' }).done).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await client.dispose();
    }
  });
});

describe('graphql-ws connections', () => {
  it('are closed cleanly when the server shuts down, running invocations stopped after the grace period', async () => {
    const server = await startTestServer({ FNGRAPH_SHUTDOWN_GRACE_SECONDS: '1' });
    let closeCode: number | undefined;
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${server.adminKey}` },
      retryAttempts: 0,
      on: { closed: (event) => (closeCode = (event as { code: number }).code) },
    });
    await register(server.url, 'long-runner', 'export default async () => { console.log("started"); await new Promise((r) => setTimeout(r, 60000)); }', {
      executionConfig: { timeout: 120, memoryLimit: 128, environmentVariables: {} },
    });
    const id = (await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "long-runner", async: true }) { id } }')).invokeFunction.id;
    const firstLine = new Promise<void>((resolve, reject) => {
      client.subscribe({ query: LOGS, variables: { id } }, { next: () => resolve(), error: reject, complete: () => undefined });
    });
    await firstLine;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(30_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(closeCode).toBe(1001);
    await client.dispose();
  });
});
