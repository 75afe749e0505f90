import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../support/functions.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { createKey, keyId } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const LOGS = 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq message } }';
const SLOW =
  'export default async () => { for (let i = 1; i <= 30; i++) { console.log("line " + i); await new Promise((r) => setTimeout(r, 100)); } return "done"; }';

describe('subscription security', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await register(server.url, 'slow', SLOW, { metadata: { permissions: { public: false, allowedUsers: ['sam'], executionRoles: [] } } });
  });
  afterAll(() => server.close());

  const invokeSlow = async () =>
    (await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "slow", async: true }) { id } }')).invokeFunction.id as string;

  it('refuses connections without credentials or with bad ones (connection_init)', async () => {
    for (const [params, as] of [
      [{}, null],
      [{ authorization: 'Bearer fng_bogus' }, undefined],
      [{ apiKey: 'fng_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }, undefined],
      [{ authorization: 42 }, undefined],
    ] as const) {
      const client = wsClient(server.url, params, as);
      try {
        await expect(subscribe(client, LOGS, { id: 'x' }).done).rejects.toThrow(/closed 4401/);
      } finally {
        await client.dispose();
      }
    }
  });

  it('accepts the key as connectionParams.apiKey or a bare authorization value', async () => {
    const id = await invokeSlow();
    for (const params of [{ apiKey: server.adminKey }, { authorization: server.adminKey }]) {
      const client = wsClient(server.url, params);
      try {
        const lines = await subscribe(client, LOGS, { id }).done;
        expect(lines).toHaveLength(30);
      } finally {
        await client.dispose();
      }
    }
  });

  it('closes open subscriptions at once when their key is revoked', async () => {
    const token = await createKey(server.url, 'sam', ['viewer']);
    const id = await invokeSlow();
    const client = wsClient(server.url, {}, token);
    try {
      let revoked = false;
      const { done, received } = subscribe<{ invocationLogs: { seq: number } }>(client, LOGS, { id }, (data) => {
        if (data.invocationLogs.seq === 3 && !revoked) {
          revoked = true;
          void keyId(server.url, token).then((kid) => graphqlData(server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: kid }));
        }
      });
      await expect(done).rejects.toThrow(/closed 4403: Credential revoked/);
      expect(received.length).toBeGreaterThanOrEqual(3);
      expect(received.length).toBeLessThan(30);
    } finally {
      await client.dispose();
    }
    // And the key cannot open a new connection.
    const again = wsClient(server.url, {}, token);
    try {
      await expect(subscribe(again, LOGS, { id }).done).rejects.toThrow(/closed 4401/);
    } finally {
      await again.dispose();
    }
  });

  it('re-checks access on every event: removing the user from allowedUsers ends the stream with NOT_FOUND', async () => {
    const token = await createKey(server.url, 'sam', ['viewer']);
    const { function: fn } = await graphqlData(server.url, '{ function: functionByName(name: "slow") { id } }');
    const id = await invokeSlow();
    const client = wsClient(server.url, {}, token);
    try {
      let changed = false;
      const { done, received } = subscribe<{ invocationLogs: { seq: number } }>(client, LOGS, { id }, (data) => {
        if (data.invocationLogs.seq === 2 && !changed) {
          changed = true;
          void graphqlData(server.url, 'mutation($id: ID!) { updateFunction(id: $id, input: { metadata: { permissions: { allowedUsers: [] } } }) { id } }', {
            id: fn.id,
          });
        }
      });
      await expect(done).rejects.toThrow(/NOT_FOUND/);
      expect(received.length).toBeLessThan(30);
    } finally {
      await client.dispose();
      await graphqlData(server.url, 'mutation($id: ID!) { updateFunction(id: $id, input: { metadata: { permissions: { allowedUsers: ["sam"] } } }) { id } }', {
        id: fn.id,
      });
    }
  });

  it("another user's invocation is not found, and queries or mutations are not served over WebSocket", async () => {
    const stranger = await createKey(server.url, 'stranger', ['developer']);
    const id = await invokeSlow();
    const client = wsClient(server.url, {}, stranger);
    try {
      await expect(subscribe(client, LOGS, { id }).done).rejects.toThrow(/NOT_FOUND/);
      await expect(subscribe(client, '{ functions { nodes { id } } }', {}).done).rejects.toThrow(/Only subscriptions/);
      await expect(subscribe(client, 'mutation { createApiKey(input: { name: "x", roles: ["developer"] }) { secret } }', {}).done).rejects.toThrow(
        /Only subscriptions/,
      );
    } finally {
      await client.dispose();
    }
  });
});
