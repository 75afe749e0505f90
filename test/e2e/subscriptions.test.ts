import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
