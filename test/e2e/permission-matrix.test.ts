import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { As } from '../support/credentials.js';
import { functionDocument, register } from '../support/functions.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { createKey, gqlOutcome, httpOutcome } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Every role × every query, mutation, subscription and REST route, on functions the
 * caller owns, that are shared with it, and that belong to someone else
 * (README: role matrix). 'ok' = allowed; otherwise the error code the caller gets.
 */
type Who = 'admin' | 'owner' | 'otherDev' | 'invoker' | 'viewer' | 'anonymous';
const WHO: Who[] = ['admin', 'owner', 'otherDev', 'invoker', 'viewer', 'anonymous'];
type Expect = Record<Who, string>;

const row = (admin: string, owner: string, otherDev: string, invoker: string, viewer: string, anonymous: string): Expect => ({
  admin,
  owner,
  otherDev,
  invoker,
  viewer,
  anonymous,
});

const SOURCE = 'export default async (event) => { console.log("ran"); return { ok: true }; }';

describe('permission matrix', () => {
  let server: TestServer;
  const as = {} as Record<Who, As>;
  /** Functions owned by `owner`: private, shared (allowedUsers), by role (executionRoles), public. */
  const fn = {} as Record<'private' | 'shared' | 'byRole' | 'public', { id: string; name: string; invocationId: string }>;

  beforeAll(async () => {
    server = await startTestServer();
    as.admin = undefined;
    as.anonymous = null;
    as.owner = await createKey(server.url, 'olga', ['developer']);
    as.otherDev = await createKey(server.url, 'dmitri', ['developer']);
    as.invoker = await createKey(server.url, 'ivan', ['invoker']);
    as.viewer = await createKey(server.url, 'vera', ['viewer']);
    const permissions = {
      private: { public: false, allowedUsers: [], executionRoles: [] },
      shared: { public: false, allowedUsers: ['dmitri', 'ivan', 'vera'], executionRoles: [] },
      byRole: { public: false, allowedUsers: [], executionRoles: ['invoker'] },
      public: { public: true, allowedUsers: [], executionRoles: [] },
    };
    for (const [kind, perms] of Object.entries(permissions) as Array<[keyof typeof fn, object]>) {
      const name = `m-${kind.toLowerCase()}`;
      const body = await register(server.url, name, SOURCE, { metadata: { tags: ['m'], permissions: perms } }, as.owner);
      const invoked = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { id } }', { id: body.id }, as.owner);
      fn[kind] = { id: body.id, name, invocationId: invoked.invokeFunction.id };
    }
  });
  afterAll(() => server.close());

  const cases: Array<[string, (who: Who) => Promise<string>, Expect]> = [];
  const add = (label: string, run: (who: Who) => Promise<string>, expected: Expect) => cases.push([label, run, expected]);
  const q = (query: string, variables: () => Record<string, unknown>) => (who: Who) => gqlOutcome(server.url, query, variables(), as[who]);

  // --- Queries on a private function of `owner` ---------------------------------------------------
  add(
    'Query.function (private)',
    q('query($id: ID!) { function(id: $id) { id name } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Query.functionByName (private)',
    q('query($n: String!) { functionByName(name: $n) { id } }', () => ({ n: fn.private.name })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Query.functions lists the private function',
    async (who) => {
      const query = '{ functions(filter: { tag: "m" }, first: 100) { nodes { name } } }';
      const outcome = await gqlOutcome(server.url, query, {}, as[who]);
      if (outcome !== 'ok') return outcome;
      const names = (await graphqlData(server.url, query, {}, as[who])).functions.nodes.map((n: { name: string }) => n.name);
      return names.includes(fn.private.name) ? 'listed' : 'hidden';
    },
    row('listed', 'listed', 'hidden', 'hidden', 'hidden', 'UNAUTHENTICATED'),
  );
  add(
    'Query.functionVersion (private)',
    q('query($id: ID!) { functionVersion(functionId: $id, version: "1.0.0") { codeHash } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'FunctionVersion.code (private)',
    q('query($id: ID!) { function(id: $id) { latestVersion { code } } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Query.invocation (private)',
    q('query($id: ID!) { invocation(id: $id) { status } }', () => ({ id: fn.private.invocationId })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Query.invocations(functionId) (private)',
    q('query($id: ID!) { invocations(functionId: $id) { nodes { id } } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Query.invocations(traceId) finds the private invocation',
    async (who) => {
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { traceId } }', { id: fn.private.invocationId });
      const query = 'query($t: String) { invocations(traceId: $t) { nodes { id } } }';
      const outcome = await gqlOutcome(server.url, query, { t: invocation.traceId }, as[who]);
      if (outcome !== 'ok') return outcome;
      const ids = (await graphqlData(server.url, query, { t: invocation.traceId }, as[who])).invocations.nodes.map((n: { id: string }) => n.id);
      return ids.includes(fn.private.invocationId) ? 'listed' : 'hidden';
    },
    row('listed', 'listed', 'hidden', 'hidden', 'hidden', 'UNAUTHENTICATED'),
  );
  add(
    'Query.me',
    q('{ me { kind subject roles } }', () => ({})),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
  );
  add(
    'Query.apiKeys',
    q('{ apiKeys { nodes { id } } }', () => ({})),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'UNAUTHENTICATED'),
  );
  add(
    'Query.auditLog',
    q('{ auditLog(first: 1) { nodes { id } } }', () => ({})),
    row('ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );

  add(
    'Function.viewerAccess (shared): what clients show matches what the rows below enforce',
    async (who) => {
      const query = 'query($id: ID!) { function(id: $id) { viewerAccess { invoke readInvocations readCode manage } } }';
      const outcome = await gqlOutcome(server.url, query, { id: fn.shared.id }, as[who]);
      if (outcome !== 'ok') return outcome;
      const access = (await graphqlData(server.url, query, { id: fn.shared.id }, as[who])).function.viewerAccess as Record<string, boolean>;
      return (
        Object.keys(access)
          .filter((verb) => access[verb])
          .join(' ') || 'none'
      );
    },
    row(
      'invoke readInvocations readCode manage',
      'invoke readInvocations readCode manage',
      'invoke readInvocations readCode',
      'invoke readInvocations',
      'readInvocations',
      'UNAUTHENTICATED',
    ),
  );

  // --- Mutations ----------------------------------------------------------------------------------
  const registerMutation = 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }';
  add(
    'Mutation.registerFunction (new name)',
    (who) => gqlOutcome(server.url, registerMutation, { input: functionDocument(`m-new-gql-${who.toLowerCase()}`, SOURCE) }, as[who]),
    row('ok', 'ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    "Mutation.registerFunction (another version of the owner's private function)",
    (who) =>
      gqlOutcome(
        server.url,
        registerMutation,
        { input: functionDocument(fn.private.name, SOURCE, { metadata: { tags: ['m'], permissions: { public: false } } }) },
        as[who],
      ),
    row('ok', 'ok', 'CONFLICT', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'Mutation.updateFunction (private)',
    q('mutation($id: ID!) { updateFunction(id: $id, input: { description: "changed" }) { id } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'Mutation.deleteFunction (a private function of the owner)',
    async (who) => {
      const victim = await register(server.url, `m-del-${who.toLowerCase()}`, SOURCE, { metadata: { permissions: { public: false } } }, as.owner);
      return gqlOutcome(server.url, 'mutation($id: ID!) { deleteFunction(id: $id) { id } }', { id: victim.id }, as[who]);
    },
    row('ok', 'ok', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'Mutation.invokeFunction (private)',
    q('mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { status } }', () => ({ id: fn.private.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'),
  );
  add(
    'Mutation.createApiKey (for yourself, with your roles)',
    async (who) => {
      const me = await graphqlData(server.url, '{ me { roles } }', {}, as[who]);
      const roles = me.me.roles.length > 0 ? me.me.roles : ['viewer'];
      return gqlOutcome(server.url, 'mutation($r: [String!]!) { createApiKey(input: { name: "mine", roles: $r }) { secret } }', { r: roles }, as[who]);
    },
    row('ok', 'ok', 'ok', 'ok', 'ok', 'UNAUTHENTICATED'),
  );
  add(
    'Mutation.createApiKey (for someone else)',
    q('mutation { createApiKey(input: { name: "theirs", roles: ["viewer"], ownerId: "somebody" }) { secret } }', () => ({})),
    row('ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'Mutation.createApiKey (with a role you do not hold)',
    q('mutation { createApiKey(input: { name: "more", roles: ["admin"] }) { secret } }', () => ({})),
    row('ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    "Mutation.revokeApiKey (another user's key)",
    async (who) => {
      const token = await createKey(server.url, 'target-user', ['viewer']);
      const prefix = token.split('_')[1];
      const keys = await graphqlData(server.url, '{ apiKeys(first: 100, ownerId: "target-user") { nodes { id prefix } } }');
      const id = keys.apiKeys.nodes.find((k: { prefix: string }) => k.prefix === prefix).id;
      return gqlOutcome(server.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id }, as[who]);
    },
    row('ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );

  // --- REST routes --------------------------------------------------------------------------------
  add(
    'GET /metrics (API port)',
    (who) => httpOutcome(server.url, '/metrics', {}, as[who]),
    row('ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'POST /functions/register (new name)',
    (who) =>
      httpOutcome(
        server.url,
        '/functions/register',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(functionDocument(`m-new-rest-${who.toLowerCase()}`, SOURCE)) },
        as[who],
      ),
    row('ok', 'ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    'POST /execute/:id (private)',
    (who) => httpOutcome(server.url, `/execute/${fn.private.id}`, { method: 'POST' }, as[who]),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'),
  );
  add(
    'GET /fn/:name (private)',
    (who) => httpOutcome(server.url, `/fn/${fn.private.name}`, {}, as[who]),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'),
  );
  add(
    'GET /fn/:name@version (private; no version leak)',
    (who) => httpOutcome(server.url, `/fn/${fn.private.name}@9.9.9`, {}, as[who]),
    row('NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'),
  );

  // --- Shared through allowedUsers (otherDev, invoker and viewer are listed) ----------------------
  add(
    'Query.function (shared)',
    q('query($id: ID!) { function(id: $id) { id } }', () => ({ id: fn.shared.id })),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'UNAUTHENTICATED'),
  );
  add(
    'FunctionVersion.code (shared)',
    q('query($id: ID!) { function(id: $id) { latestVersion { code } } }', () => ({ id: fn.shared.id })),
    row('ok', 'ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );
  add(
    "Query.invocation (shared, the owner's call)",
    q('query($id: ID!) { invocation(id: $id) { status } }', () => ({ id: fn.shared.invocationId })),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'UNAUTHENTICATED'),
  );
  add('GET /fn/:name (shared)', (who) => httpOutcome(server.url, `/fn/${fn.shared.name}`, {}, as[who]), row('ok', 'ok', 'ok', 'ok', 'FORBIDDEN', 'NOT_FOUND'));
  add(
    'Mutation.updateFunction (shared)',
    q('mutation($id: ID!) { updateFunction(id: $id, input: { description: "x" }) { id } }', () => ({ id: fn.shared.id })),
    row('ok', 'ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED'),
  );

  // --- Executable by role (executionRoles: invoker) -----------------------------------------------
  add(
    'Query.function (by role)',
    q('query($id: ID!) { function(id: $id) { id } }', () => ({ id: fn.byRole.id })),
    row('ok', 'ok', 'NOT_FOUND', 'ok', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'POST /execute/:id (by role)',
    (who) => httpOutcome(server.url, `/execute/${fn.byRole.id}`, { method: 'POST' }, as[who]),
    row('ok', 'ok', 'NOT_FOUND', 'ok', 'NOT_FOUND', 'NOT_FOUND'),
  );
  add(
    "Query.invocation (by role, the owner's call)",
    q('query($id: ID!) { invocation(id: $id) { status } }', () => ({ id: fn.byRole.invocationId })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    "Query.invocations(functionId) (by role: only one's own)",
    async (who) => {
      const query = 'query($id: ID!) { invocations(functionId: $id) { nodes { id } } }';
      const outcome = await gqlOutcome(server.url, query, { id: fn.byRole.id }, as[who]);
      if (outcome !== 'ok') return outcome;
      const ids = (await graphqlData(server.url, query, { id: fn.byRole.id }, as[who])).invocations.nodes.map((n: { id: string }) => n.id);
      return ids.includes(fn.byRole.invocationId) ? 'all' : 'own';
    },
    row('all', 'all', 'NOT_FOUND', 'own', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'FunctionVersion.code (by role)',
    q('query($id: ID!) { function(id: $id) { latestVersion { code } } }', () => ({ id: fn.byRole.id })),
    row('ok', 'ok', 'NOT_FOUND', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );

  // --- Public: invocable by anyone, nothing else is public ----------------------------------------
  add('GET /fn/:name (public)', (who) => httpOutcome(server.url, `/fn/${fn.public.name}`, {}, as[who]), row('ok', 'ok', 'ok', 'ok', 'ok', 'ok'));
  add(
    'Mutation.invokeFunction (public)',
    q('mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { status } }', () => ({ id: fn.public.id })),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
  );
  add(
    'Query.function (public)',
    q('query($id: ID!) { function(id: $id) { id } }', () => ({ id: fn.public.id })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Invocation.function after invoking a public function',
    async (who) => {
      const data = await graphqlData(
        server.url,
        'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { status function { name } } }',
        { id: fn.public.id },
        as[who],
      );
      return data.invokeFunction.function === null ? 'hidden' : 'visible';
    },
    row('visible', 'visible', 'hidden', 'hidden', 'hidden', 'hidden'),
  );
  add(
    "Query.invocation (public, the owner's call)",
    q('query($id: ID!) { invocation(id: $id) { status } }', () => ({ id: fn.public.invocationId })),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );

  // --- Subscriptions ------------------------------------------------------------------------------
  const logsOutcome = (invocation: () => string) => async (who: Who) => {
    const client = wsClient(server.url, {}, as[who]);
    try {
      await subscribe(client, 'subscription($id: ID!) { invocationLogs(invocationId: $id) { seq } }', { id: invocation() }).done;
      return 'ok';
    } catch (error) {
      const message = (error as Error).message;
      if (/closed 4401/.test(message)) return 'UNAUTHENTICATED';
      return /"code":"([A-Z_]+)"/.exec(message)?.[1] ?? message;
    } finally {
      await client.dispose();
    }
  };
  add(
    'Subscription.invocationLogs (private)',
    logsOutcome(() => fn.private.invocationId),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );
  add(
    'Subscription.invocationLogs (shared)',
    logsOutcome(() => fn.shared.invocationId),
    row('ok', 'ok', 'ok', 'ok', 'ok', 'UNAUTHENTICATED'),
  );
  add(
    'Subscription.invocationLogs (public)',
    logsOutcome(() => fn.public.invocationId),
    row('ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED'),
  );

  it.each(cases)('%s', async (_label, run, expected) => {
    const actual = {} as Expect;
    for (const who of WHO) actual[who] = await run(who);
    expect(actual).toEqual(expected);
  });
});
