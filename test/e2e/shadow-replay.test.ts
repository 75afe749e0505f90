import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { createKey, gqlOutcome } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Echoes the request and prices it; versions differ in `PRICE` only. */
const pricing = (price: number) => `export default async (event) => {
  const body = event.body ? JSON.parse(event.body) : {};
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-shape': 'round' }, body: JSON.stringify({ item: body.item ?? null, price: ${price}, currency: 'EUR' }) };
};`;

const REPLAY = `mutation($input: ReplayInput!) { replayInvocations(input: $input) {
  functionId targetVersion identical different failed skipped
  items { originalId replayId outcome reason originalVersion differences statusBefore statusAfter statusCodeBefore statusCodeAfter
    bodyEqual bodyFormat bodyDifferences bodyNote bodyBefore bodyAfter headerDifferences { name before after } durationMsBefore durationMsAfter redactedHeaders }
} }`;

const INVOCATION = 'query($id: ID!) { invocation(id: $id) { id trigger version comparedWith callerId status request { body } } }';

async function call(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; id: string; text: string }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, id: response.headers.get('x-fngraph-invocation-id') ?? '', text: await response.text() };
}

describe('replay', () => {
  let server: TestServer;
  let owner: string;
  let fnId: string;
  const originals: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createKey(server.url, 'olga', ['developer']);
    const shared = { metadata: { permissions: { public: true, allowedUsers: ['sam'], executionRoles: [] } } };
    fnId = (await register(server.url, 'pricing', pricing(10), { version: '1.0.0', ...shared }, owner)).id;
    await register(server.url, 'pricing', pricing(10), { version: '1.0.1', ...shared }, owner);
    await register(server.url, 'pricing', pricing(12), { version: '2.0.0', ...shared }, owner);
    for (const item of ['apple', 'pear', 'plum']) {
      const made = await call(server.url, '/fn/pricing@1.0.0', { item }, { cookie: 'session=secret' });
      expect(made.status).toBe(200);
      originals.push(made.id);
    }
  }, 120_000);
  afterAll(() => server?.close());

  it('reports identical requests on an identical version as identical, item by item', async () => {
    const report = (await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '1.0.1', invocationIds: originals } }, owner))
      .replayInvocations;
    expect(report).toMatchObject({ functionId: fnId, targetVersion: '1.0.1', identical: 3, different: 0, failed: 0, skipped: 0 });
    for (const [index, item] of report.items.entries()) {
      expect(item).toMatchObject({
        originalId: originals[index],
        outcome: 'IDENTICAL',
        originalVersion: '1.0.0',
        differences: [],
        statusBefore: 'SUCCEEDED',
        statusAfter: 'SUCCEEDED',
        statusCodeBefore: 200,
        statusCodeAfter: 200,
        bodyEqual: true,
        bodyFormat: 'json',
        headerDifferences: [],
        redactedHeaders: ['cookie'],
      });
      expect(item.durationMsAfter).toBeGreaterThan(0);
      // The replay is an invocation like any, of the replayer, naming its original.
      const replayed = (await graphqlData(server.url, INVOCATION, { id: item.replayId }, owner)).invocation;
      expect(replayed).toMatchObject({ trigger: 'REPLAY', version: '1.0.1', comparedWith: originals[index], callerId: 'olga', status: 'SUCCEEDED' });
    }
  });

  it('reports a deliberate difference: the field v2 changes, named, with both bodies', async () => {
    const report = (await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '2.0.0', filter: { status: 'SUCCEEDED' }, limit: 3 } }, owner))
      .replayInvocations;
    expect(report).toMatchObject({ identical: 0, different: 3, failed: 0, skipped: 0 });
    // Newest first; earlier replays are not traffic and are passed over.
    expect(report.items.map((item: { originalId: string }) => item.originalId)).toEqual([...originals].reverse());
    for (const item of report.items) {
      expect(item).toMatchObject({ outcome: 'DIFFERENT', differences: ['BODY'], bodyEqual: false, bodyDifferences: ['$.price'], headerDifferences: [] });
      expect(JSON.parse(item.bodyBefore)).toMatchObject({ price: 10 });
      expect(JSON.parse(item.bodyAfter)).toMatchObject({ price: 12 });
    }
  });

  it('skips, with reasons, what cannot be replayed as it was', async () => {
    const big = await call(server.url, '/fn/pricing@1.0.0', { item: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(200);
    const earlier = (await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '1.0.1', invocationIds: [originals[0]] } }, owner))
      .replayInvocations.items[0].replayId;
    const unknown = '01900000-0000-7000-8000-000000000000';
    const report = (
      await graphqlData(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '2.0.0', invocationIds: [big.id, earlier, unknown, originals[1]] } }, owner)
    ).replayInvocations;
    expect(report).toMatchObject({ different: 1, skipped: 3 });
    const [truncated, replayOfReplay, missing, fine] = report.items;
    expect(truncated).toMatchObject({ originalId: big.id, outcome: 'SKIPPED', replayId: null });
    expect(truncated.reason).toMatch(/kept only in part/);
    expect(replayOfReplay).toMatchObject({ outcome: 'SKIPPED' });
    expect(replayOfReplay.reason).toMatch(new RegExp(`REPLAY run of invocation ${originals[0]}`));
    expect(missing).toMatchObject({ originalId: unknown, outcome: 'SKIPPED', reason: "Not found among the function's invocations" });
    expect(fine).toMatchObject({ outcome: 'DIFFERENT' });
  });

  it('refuses bad input with codes and field details', async () => {
    const bad = async (input: Record<string, unknown>) => {
      const result = await graphql(server.url, REPLAY, { input: { functionId: fnId, targetVersion: '2.0.0', ...input } }, owner);
      return { code: result.errors?.[0]?.extensions?.code, fields: result.errors?.[0]?.extensions?.details?.map((d) => d.field) };
    };
    expect(await bad({ limit: 0 })).toEqual({ code: 'BAD_USER_INPUT', fields: ['limit'] });
    expect(await bad({ limit: 101 })).toEqual({ code: 'BAD_USER_INPUT', fields: ['limit'] });
    expect(await bad({ targetVersion: '9.9.9' })).toEqual({ code: 'BAD_USER_INPUT', fields: ['targetVersion'] });
    expect(await bad({ targetVersion: 'prod' })).toEqual({ code: 'BAD_USER_INPUT', fields: ['targetVersion'] });
    expect(await bad({ invocationIds: [originals[0]], filter: { status: 'SUCCEEDED' } })).toEqual({ code: 'BAD_USER_INPUT', fields: ['filter'] });
    expect(await bad({ filter: { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' } })).toEqual({ code: 'BAD_USER_INPUT', fields: ['filter.since'] });
  });

  it('needs the right to manage the function, and is audited', async () => {
    const input = { functionId: fnId, targetVersion: '1.0.1', invocationIds: [originals[0]] };
    const stranger = await createKey(server.url, 'stella', ['developer']);
    const sharedWith = await createKey(server.url, 'sam', ['developer']);
    const viewer = await createKey(server.url, 'vic', ['viewer']);
    expect(await gqlOutcome(server.url, REPLAY, { input }, stranger)).toBe('NOT_FOUND');
    expect(await gqlOutcome(server.url, REPLAY, { input }, sharedWith)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, REPLAY, { input }, viewer)).toBe('FORBIDDEN');
    expect(await gqlOutcome(server.url, REPLAY, { input }, null)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(await gqlOutcome(server.url, REPLAY, { input }, owner)).toBe('ok');
    const audit = await graphqlData(server.url, '{ auditLog(filter: { action: "invocations.replay" }, first: 1) { nodes { actorId targetId details } } }');
    expect(audit.auditLog.nodes[0]).toMatchObject({
      actorId: 'olga',
      targetId: fnId,
      details: { function: 'pricing', targetVersion: '1.0.1', invocations: 1, identical: 1, different: 0, failed: 0, skipped: 0 },
    });
  });
});
