import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SOURCE_A = 'export default async () => "alice\'s code"';
const SOURCE_B = 'export default async () => "bob\'s code"';
const PRIVATE = { metadata: { permissions: { public: false } } };
const REGISTER = 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }';
const RELEASE = 'mutation($name: String!) { releaseFunctionName(name: $name) }';
const DELETE = 'mutation($id: ID!) { deleteFunction(id: $id) { id } }';

describe('function names: one global namespace, reserved for the owner after deletion', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    server = await startTestServer();
    alice = await createKey(server.url, 'alice', ['developer']);
    bob = await createKey(server.url, 'bob', ['developer']);
  });
  afterAll(() => server.close());

  /** What bob gets for a name someone else holds, over REST and GraphQL. */
  async function refusal(name: string): Promise<{ rest: unknown; graphql: unknown }> {
    const rest = await registerRest(server.url, functionDocument(name, SOURCE_B), bob);
    const viaGraphql = await graphql(server.url, REGISTER, { input: functionDocument(name, SOURCE_B) }, bob);
    return {
      rest: { status: rest.status, code: rest.body.error?.code, message: rest.body.error?.message },
      graphql: { code: viaGraphql.errors?.[0]?.extensions?.code, message: viaGraphql.errors?.[0]?.message },
    };
  }
  const taken = (name: string) => ({
    rest: { status: 409, code: 'CONFLICT', message: `The name "${name}" is taken` },
    graphql: { code: 'CONFLICT', message: `The name "${name}" is taken` },
  });

  it("another tenant cannot claim a deleted function's name (the same answer as for a live private one); the owner can", async () => {
    const live = await register(server.url, 'alice-live', SOURCE_A, PRIVATE, alice);
    expect(live.name).toBe('alice-live');
    expect(await refusal('alice-live')).toEqual(taken('alice-live'));

    const gone = await register(server.url, 'alice-gone', SOURCE_A, {}, alice);
    expect((await fetch(`${server.url}/fn/alice-gone@1.0.0`)).status).toBe(200);
    await graphqlData(server.url, DELETE, { id: gone.id }, alice);
    expect(await refusal('alice-gone')).toEqual(taken('alice-gone'));
    expect((await fetch(`${server.url}/fn/alice-gone@1.0.0`)).status).toBe(404);

    // The former owner takes it back: versions continue after the old ones, so the old pinned URL stays gone.
    const back = await register(server.url, 'alice-gone', SOURCE_A, {}, alice);
    expect(back.id).not.toBe(gone.id);
    expect(back.version).toBe('1.0.1');
    expect((await fetch(`${server.url}/fn/alice-gone@1.0.0`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/fn/alice-gone@1.0.1`)).text()).toContain("alice's code");
  });

  it('an admin releases a reserved name explicitly (audited); the new owner never serves the old pinned versions', async () => {
    const first = await register(server.url, 'handed-over', SOURCE_A, { version: '2.3.0' }, alice);
    await graphqlData(server.url, DELETE, { id: first.id }, alice);
    expect(await refusal('handed-over')).toEqual(taken('handed-over'));

    // Only admins release names.
    expect((await graphql(server.url, RELEASE, { name: 'handed-over' }, bob)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphqlData(server.url, RELEASE, { name: 'handed-over' })).releaseFunctionName).toBe(true);
    // Nothing left to release.
    expect((await graphqlData(server.url, RELEASE, { name: 'handed-over' })).releaseFunctionName).toBe(false);
    const audit = await graphqlData(server.url, '{ auditLog(filter: { action: "function.releaseName" }) { nodes { targetId details } } }');
    expect(audit.auditLog.nodes).toEqual([{ targetId: null, details: { name: 'handed-over', released: 1 } }]);

    // A version at or below the old ones is refused; without a version, numbering continues after them.
    const low = await registerRest(server.url, functionDocument('handed-over', SOURCE_B, { version: '2.3.0' }), bob);
    expect(low.status).toBe(409);
    expect(low.body.error.code).toBe('CONFLICT');
    const claimed = await register(server.url, 'handed-over', SOURCE_B, {}, bob);
    expect(claimed.version).toBe('2.3.1');
    expect((await fetch(`${server.url}/fn/handed-over@2.3.0`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/fn/handed-over`)).text()).toContain("bob's code");
    // Alice's reservation is gone with the release: the name is bob's now.
    const aliceAgain = await registerRest(server.url, functionDocument('handed-over', SOURCE_A), alice);
    expect(aliceAgain.status).toBe(409);
  });
});
