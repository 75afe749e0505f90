import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { createKey, gqlOutcome, keyId } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const LOG = `query($f: AuditFilterInput, $after: String) {
  auditLog(filter: $f, first: 50, after: $after) { nodes { id at actorId actorKind credentialId action targetType targetId details ip userAgent } pageInfo { hasNextPage endCursor } }
}`;

describe('audit log', () => {
  let server: TestServer;
  let developer: string;
  let fnId: string;
  beforeAll(async () => {
    server = await startTestServer();
    developer = await createKey(server.url, 'ada', ['developer']);
    const response = await fetch(`${server.url}/functions/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${developer}`, 'user-agent': 'audit-test/1.0' },
      body: JSON.stringify({ name: 'audited', language: 'javascript', code: Buffer.from('export default () => 1').toString('base64') }),
    });
    fnId = (await response.json()).id;
    await graphqlData(
      server.url,
      'mutation($id: ID!) { updateFunction(id: $id, input: { metadata: { permissions: { public: true, allowedUsers: ["bob"] } } }) { id } }',
      { id: fnId },
      developer,
    );
    await register(server.url, 'audited', 'export default () => 2', {}, developer);
    await graphqlData(server.url, 'mutation($id: ID!) { deleteFunction(id: $id) { id } }', { id: fnId }, developer);
    await graphqlData(server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: await keyId(server.url, developer) });
  });
  afterAll(() => server.close());

  it('records who did what to which function or key, when and from where', async () => {
    const entries = (await graphqlData(server.url, LOG, { f: { targetId: fnId } })).auditLog.nodes;
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'function.delete',
      'function.permissions',
      'function.register',
      'function.permissions',
      'function.update',
      'function.register',
    ]);
    const first = entries.at(-1);
    expect(first).toMatchObject({
      actorId: 'ada',
      actorKind: 'apiKey',
      targetType: 'function',
      userAgent: 'audit-test/1.0',
      details: { name: 'audited', version: '1.0.0', created: true },
    });
    expect(first.ip).toMatch(/127\.0\.0\.1/);
    expect(first.credentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect(entries[3].details).toMatchObject({ public: true, allowedUsers: ['bob'] });

    const keys = (await graphqlData(server.url, LOG, { f: { action: 'apiKey.create' } })).auditLog.nodes;
    expect(keys[0]).toMatchObject({ actorId: 'admin', targetType: 'apiKey', details: { ownerId: 'ada', roles: ['developer'] } });
    expect(JSON.stringify(keys)).not.toMatch(/fng_[a-z0-9]{12}_/);
    const revoked = (await graphqlData(server.url, LOG, { f: { action: 'apiKey.revoke' } })).auditLog.nodes;
    expect(revoked).toHaveLength(1);
  });

  it('filters by actor and time and pages newest first', async () => {
    const all = (await graphqlData(server.url, LOG, { f: { actorId: 'ada' } })).auditLog.nodes;
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.every((e: { actorId: string }) => e.actorId === 'ada')).toBe(true);
    const future = (await graphqlData(server.url, LOG, { f: { since: new Date(Date.now() + 60_000).toISOString() } })).auditLog.nodes;
    expect(future).toEqual([]);
    const page = (await graphqlData(server.url, 'query { auditLog(first: 2) { nodes { id } pageInfo { endCursor } } }')).auditLog;
    const next = (await graphqlData(server.url, LOG, { after: page.pageInfo.endCursor })).auditLog.nodes;
    expect(next[0].id < page.nodes[1].id).toBe(true);
  });

  it('is for admins only, and its filters are validated', async () => {
    const viewer = await createKey(server.url, 'vic', ['viewer', 'developer', 'invoker']);
    expect(await gqlOutcome(server.url, '{ auditLog { nodes { id } } }', {}, viewer)).toBe('FORBIDDEN');
    for (const f of [{ action: 'drop.tables' }, { actorId: 'a b' }, { targetId: '{"$ne":null}' }, { actorId: { $ne: null } }]) {
      const result = await graphql(server.url, LOG, { f });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(f)).toBe('BAD_USER_INPUT');
    }
  });
});
