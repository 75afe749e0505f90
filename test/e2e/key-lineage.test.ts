import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { As } from '../support/credentials.js';
import { register } from '../support/functions.js';
import { graphql, graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { createKey, hsToken, HS_SECRET, httpOutcome, JWT_AUDIENCE, JWT_ISSUER, keyId } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ME = '{ me { subject } }';
const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id createdByKeyId } } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';
const LOGS = 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq } }';
const SLOW =
  'export default async () => { for (let i = 1; i <= 30; i++) { console.log("line " + i); await new Promise((r) => setTimeout(r, 100)); } return "done"; }';

/** A key minted with `as` (its own owner's, with the given roles); returns the token and the new key's lineage. */
async function mint(url: string, as: As, roles: string[], name = 'minted'): Promise<{ token: string; id: string; createdByKeyId: string | null }> {
  const data = await graphqlData(url, CREATE, { input: { name, roles } }, as);
  return { token: data.createApiKey.secret, id: data.createApiKey.apiKey.id, createdByKeyId: data.createApiKey.apiKey.createdByKeyId };
}

async function status(url: string, as: As): Promise<number> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${as}` },
    body: JSON.stringify({ query: ME }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('request rate limits are per owner, not per credential', () => {
  const LIMIT = 10;
  let server: TestServer;
  beforeAll(async () => {
    // A long window: the test counts requests, it does not race the clock.
    server = await startTestServer({
      FNGRAPH_RATE_LIMIT_REQUESTS: String(LIMIT),
      FNGRAPH_RATE_LIMIT_WINDOW_SECONDS: '600',
      FNGRAPH_JWT_SECRET: HS_SECRET,
      FNGRAPH_JWT_ISSUER: JWT_ISSUER,
      FNGRAPH_JWT_AUDIENCE: JWT_AUDIENCE,
    });
  });
  afterAll(() => server.close());

  it('keys minted with one key share its owner budget: three minted keys do not multiply the limit', async () => {
    const parent = await createKey(server.url, 'olga', ['developer']);
    const children = [];
    for (let i = 0; i < 3; i += 1) children.push((await mint(server.url, parent, ['developer'])).token);
    // 3 requests spent on minting; spread the rest of the window over the parent and its children.
    const all = [parent, ...children];
    let accepted = 3;
    for (let i = 0; accepted < LIMIT; i += 1) {
      expect(await status(server.url, all[i % all.length]!)).toBe(200);
      accepted += 1;
    }
    for (const token of all) expect(await status(server.url, token)).toBe(429);
    // Another owner's budget is untouched.
    expect(await status(server.url, server.adminKey)).toBe(200);
  });

  it("JWTs of one subject (any jti) and that subject's API keys share one budget", async () => {
    const key = await createKey(server.url, 'jules', ['viewer']);
    const tokens = await Promise.all([1, 2, 3].map((n) => hsToken({ sub: 'jules', jti: `jti-${n}`, roles: ['viewer'] })));
    const all = [key, ...tokens];
    for (let i = 0; i < LIMIT; i += 1) expect(await status(server.url, all[i % all.length]!)).toBe(200);
    for (const token of all) expect(await status(server.url, token)).toBe(429);
    const other = await hsToken({ sub: 'someone-else', jti: 'x', roles: ['viewer'] });
    expect(await status(server.url, other)).toBe(200);
  });
});

describe('revoking a key revokes the keys minted with it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('records which key minted a key, also for keys an admin mints for another owner', async () => {
    const adminKeyId = await keyId(server.url, server.adminKey);
    const data = await graphqlData(server.url, CREATE, { input: { name: 'for pia', ownerId: 'pia', roles: ['viewer'] } });
    expect(data.createApiKey.apiKey.createdByKeyId).toBe(adminKeyId);
    const parent = await createKey(server.url, 'pia', ['developer']);
    const child = await mint(server.url, parent, ['developer']);
    expect(child.createdByKeyId).toBe(await keyId(server.url, parent));
    const listed = await graphqlData(server.url, '{ apiKeys(ownerId: "pia") { nodes { id createdByKeyId } } }');
    expect(listed.apiKeys.nodes.find((k: { id: string }) => k.id === child.id).createdByKeyId).toBe(child.createdByKeyId);
  });

  it('children and grandchildren answer 401 on every path, and their open graphql-ws connections are closed', async () => {
    const parent = await createKey(server.url, 'pete', ['developer']);
    const child = await mint(server.url, parent, ['developer'], 'child');
    const grandchild = await mint(server.url, child.token, ['developer'], 'grandchild');
    const sibling = await createKey(server.url, 'pete', ['developer']);
    const parentId = await keyId(server.url, parent);
    await register(server.url, 'pete-slow', SLOW, { metadata: { permissions: { public: false } } }, parent);
    await register(server.url, 'pete-public', 'export default async () => "ok"', {}, parent);
    const invocation = (await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "pete-slow", async: true }) { id } }', {}, child.token))
      .invokeFunction.id as string;

    const client = wsClient(server.url, {}, grandchild.token);
    try {
      let revoked = false;
      const { done, received } = subscribe<{ invocationLogs: { seq: number } }>(client, LOGS, { id: invocation }, (data) => {
        if (data.invocationLogs.seq === 3 && !revoked) {
          revoked = true;
          // The parent revokes itself; the grandchild's connection must close with it.
          void graphqlData(server.url, REVOKE, { id: parentId }, parent);
        }
      });
      await expect(done).rejects.toThrow(/closed 4403: Credential revoked/);
      expect(received.length).toBeLessThan(30);
    } finally {
      await client.dispose();
    }

    for (const token of [parent, child.token, grandchild.token]) {
      expect(
        await httpOutcome(
          server.url,
          '/graphql',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ME }) },
          token,
        ),
      ).toBe('UNAUTHENTICATED');
      expect(await httpOutcome(server.url, '/fn/pete-public', {}, token)).toBe('UNAUTHENTICATED');
      const again = wsClient(server.url, {}, token);
      try {
        await expect(subscribe(again, LOGS, { id: invocation }).done).rejects.toThrow(/closed 4401/);
      } finally {
        await again.dispose();
      }
    }
    // A key of the same owner that does not descend from the revoked one keeps working.
    expect((await graphqlData(server.url, ME, {}, sibling)).me.subject).toBe('pete');

    const keys = await graphqlData(server.url, '{ apiKeys(ownerId: "pete") { nodes { id revokedAt } } }');
    const revokedIds = keys.apiKeys.nodes.filter((k: { revokedAt: string | null }) => k.revokedAt !== null).map((k: { id: string }) => k.id);
    expect(revokedIds.sort()).toEqual([parentId, child.id, grandchild.id].sort());
    const audit = await graphqlData(server.url, '{ auditLog(filter: { action: "apiKey.revoke" }, first: 50) { nodes { targetId details } } }');
    const audited = audit.auditLog.nodes.map((entry: { targetId: string }) => entry.targetId);
    expect(audited).toEqual(expect.arrayContaining([child.id, grandchild.id]));
  });

  it('a key minted by a revoked key cannot be minted, and revoking an admin key revokes the keys it minted for others', async () => {
    const adminTwo = await createKey(server.url, 'root-two', ['admin']);
    const forQuinn = (await graphqlData(server.url, CREATE, { input: { name: 'for quinn', ownerId: 'quinn', roles: ['viewer'] } }, adminTwo)).createApiKey
      .secret as string;
    expect((await graphqlData(server.url, ME, {}, forQuinn)).me.subject).toBe('quinn');
    await graphqlData(server.url, REVOKE, { id: await keyId(server.url, adminTwo) });
    expect(await status(server.url, forQuinn)).toBe(401);
    expect((await graphql(server.url, CREATE, { input: { name: 'late', roles: ['viewer'] } }, adminTwo)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
