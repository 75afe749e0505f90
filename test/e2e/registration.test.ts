import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const sample = JSON.parse(readFileSync(new URL('../fixtures/hello-world.json', import.meta.url), 'utf8'));

describe('registration and immutable versions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('registers the spec sample document over REST and returns metadata and endpoints', async () => {
    const { status, body } = await registerRest(server.url, sample);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: 'hello-world',
      description: 'Says hello',
      language: 'javascript',
      runtime: 'nodejs24',
      version: '1.0.0',
      buildStatus: 'READY',
      metadata: { author: 'fngraph', tags: ['example', 'http'], permissions: { public: true, executionRoles: ['invoker'] } },
      executionConfig: { timeout: 10, memoryLimit: 128, environmentVariableNames: ['GREETING_STYLE'] },
      endpoints: { execute: `/execute/${body.id}`, http: '/fn/hello-world', httpPinned: '/fn/hello-world@1.0.0' },
    });
    expect(body.id).not.toBe('hello-world');
    expect(body.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body).not.toHaveProperty('code');
  });

  it('creates a new version when the name is registered again; the old one stays invocable', async () => {
    const v1 = await register(server.url, 'versioned', 'export default async () => ({ v: 1 })', { version: '1.0.0' });
    const v2 = await register(server.url, 'versioned', 'export default async () => ({ v: 2 })');
    expect(v2.id).toBe(v1.id);
    expect(v2.version).toBe('1.0.1');
    expect(v2.codeHash).not.toBe(v1.codeHash);

    expect(await (await fetch(`${server.url}/fn/versioned`)).json()).toEqual({ v: 2 });
    expect(await (await fetch(`${server.url}/fn/versioned@1.0.0`)).json()).toEqual({ v: 1 });
    const pinned = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id, version: "1.0.0" }) { version response } }', {
      id: v1.id,
    });
    expect(pinned.invokeFunction).toEqual({ version: '1.0.0', response: { v: 1 } });

    const data = await graphqlData(
      server.url,
      `query($id: ID!) {
        function(id: $id) { latestVersion { version } versions { version sequence codeHash } }
        functionVersion(functionId: $id, version: "1.0.0") { version codeHash code }
      }`,
      { id: v1.id },
    );
    expect(data.function.latestVersion.version).toBe('1.0.1');
    expect(data.function.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.1', '1.0.0']);
    expect(data.functionVersion.codeHash).toBe(v1.codeHash);
    expect(Buffer.from(data.functionVersion.code, 'base64').toString()).toBe('export default async () => ({ v: 1 })');
  });

  it('refuses an explicit version that is not greater than the latest', async () => {
    await register(server.url, 'monotonic', 'export default () => 1', { version: '2.0.0' });
    const { status, body } = await registerRest(server.url, functionDocument('monotonic', 'export default () => 2', { version: '1.5.0' }));
    expect(status).toBe(409);
    expect(body.error.code).toBe('CONFLICT');
    const again = await registerRest(server.url, functionDocument('monotonic', 'export default () => 2', { version: '2.0.0' }));
    expect(again.status).toBe(409);
  });

  it('registers, updates and deletes over GraphQL; a deleted function answers 404 but its history stays', async () => {
    const registered = await graphqlData(
      server.url,
      'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id name language latestVersion { version } endpoints { execute http } } }',
      { input: functionDocument('gql-fn', 'module.exports = async () => "first"') },
    );
    const id = registered.registerFunction.id;
    expect(registered.registerFunction).toMatchObject({ name: 'gql-fn', language: 'javascript', latestVersion: { version: '1.0.0' } });

    const updated = await graphqlData(
      server.url,
      'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version executionConfig { timeout } } metadata { tags } } }',
      { id, input: { code: Buffer.from('module.exports = async () => "second"').toString('base64'), executionConfig: { timeout: 7 } } },
    );
    expect(updated.updateFunction).toEqual({ latestVersion: { version: '1.0.1', executionConfig: { timeout: 7 } }, metadata: { tags: ['test'] } });

    const invoked = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { id status response } }', { id });
    expect(invoked.invokeFunction).toMatchObject({ status: 'SUCCEEDED', response: 'second' });

    await graphqlData(server.url, 'mutation($id: ID!) { deleteFunction(id: $id) { deletedAt } }', { id });
    expect((await fetch(`${server.url}/execute/${id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/fn/gql-fn`)).status).toBe(404);
    const missing = await graphql(server.url, 'query { functionByName(name: "gql-fn") { id } }');
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const history = await graphqlData(
      server.url,
      'query($id: ID!, $fn: ID!) { invocation(id: $id) { status function { name deletedAt } } invocations(functionId: $fn) { nodes { id } } }',
      { id: invoked.invokeFunction.id, fn: id },
    );
    expect(history.invocation.status).toBe('SUCCEEDED');
    expect(history.invocation.function.deletedAt).not.toBeNull();
    expect(history.invocations.nodes).toHaveLength(1);

    // The name is free again once the function is deleted.
    await register(server.url, 'gql-fn', 'module.exports = async () => "reborn"');
    expect(await (await fetch(`${server.url}/fn/gql-fn`)).text()).toBe('reborn');
  });

  it('rejects TypeScript-only syntax in a JavaScript function with the location', async () => {
    const { status, body } = await registerRest(server.url, functionDocument('broken', 'export default async (e: any) => {'));
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/index\.js:1:\d+/);
  });

  it('keeps executionConfig.concurrency per version: default 1, explicit, inherited on update, refused out of bounds and for Python', async () => {
    const QUERY = 'query($id: ID!) { function(id: $id) { versions { version executionConfig { concurrency } } } }';
    const plain = await register(server.url, 'concurrency-default', 'export default async () => 1');
    expect(plain.executionConfig).toMatchObject({ concurrency: 1 });

    const registered = await graphqlData(
      server.url,
      'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id executionConfig { concurrency } } }',
      { input: functionDocument('concurrency-set', 'export default async () => 2', { executionConfig: { concurrency: 8 } }) },
    );
    expect(registered.registerFunction.executionConfig).toEqual({ concurrency: 8 });
    const id = registered.registerFunction.id;
    const update = (input: Record<string, unknown>) =>
      graphql(server.url, 'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version } } }', {
        id,
        input,
      });
    expect((await update({ code: Buffer.from('export default async () => 3').toString('base64') })).errors).toBeUndefined();
    expect((await update({ executionConfig: { concurrency: 1000 } })).errors).toBeUndefined();
    expect((await graphqlData(server.url, QUERY, { id })).function.versions).toEqual([
      { version: '1.0.2', executionConfig: { concurrency: 1000 } },
      { version: '1.0.1', executionConfig: { concurrency: 8 } },
      { version: '1.0.0', executionConfig: { concurrency: 8 } },
    ]);

    for (const [concurrency, message] of [
      [0, 'must be at least 1'],
      [1001, 'must be at most 1000'],
    ] as const) {
      const refused = await update({ executionConfig: { concurrency } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'executionConfig.concurrency', message }] });
    }
    // GraphQL's Int refuses a fraction before the document is read.
    expect((await update({ executionConfig: { concurrency: 1.5 } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const python = { language: 'python', runtime: 'python3.11', code: Buffer.from('def handler(event, context):\n    return 1\n').toString('base64') };
    const refusedPython = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('concurrency-python', '', { ...python, executionConfig: { concurrency: 2 } }),
    });
    expect(refusedPython.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: [{ field: 'executionConfig.concurrency', message: expect.stringMatching(/must be 1 for Python/) }],
    });
    // Turning a function of concurrency 1000 into a Python one keeps that concurrency: refused the same way.
    const switched = await update({ ...python });
    expect(switched.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'executionConfig.concurrency' }] });
    const rest = await registerRest(server.url, functionDocument('concurrency-python', '', { ...python, executionConfig: { concurrency: 2 } }));
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'executionConfig.concurrency' }] });
    expect((await graphql(server.url, 'query { functionByName(name: "concurrency-python") { id } }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps an async delivery policy per version: defaults, explicit values, inheritance on update, refusals', async () => {
    const POLICY = 'retry { attempts backoffSeconds } maxEventAgeSeconds destinations { onSuccess onFailure }';
    const defaults = { retry: { attempts: 3, backoffSeconds: 1 }, maxEventAgeSeconds: 21600, destinations: { onSuccess: null, onFailure: null } };

    const plain = await register(server.url, 'policy-default', 'export default async () => 1');
    expect(plain.executionConfig).toMatchObject(defaults);
    const plainConfig = await graphqlData(server.url, `query($id: ID!) { function(id: $id) { executionConfig { ${POLICY} } } }`, { id: plain.id });
    expect(plainConfig.function.executionConfig).toEqual(defaults);

    // Over GraphQL, an explicit null survives: it means "no limit", not "the default".
    const registered = await graphqlData(
      server.url,
      `mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id executionConfig { ${POLICY} } } }`,
      {
        input: functionDocument('policy-set', 'export default async () => 2', {
          executionConfig: {
            retry: { attempts: 5, backoffSeconds: 10 },
            maxEventAgeSeconds: null,
            destinations: { onSuccess: 'policy-default', onFailure: 'pager' },
          },
        }),
      },
    );
    const id = registered.registerFunction.id;
    const explicit = {
      retry: { attempts: 5, backoffSeconds: 10 },
      maxEventAgeSeconds: null,
      destinations: { onSuccess: 'policy-default', onFailure: 'pager' },
    };
    expect(registered.registerFunction.executionConfig).toEqual(explicit);

    const update = (input: Record<string, unknown>) =>
      graphql(
        server.url,
        `
          mutation ($id: ID!, $input: UpdateFunctionInput!) {
            updateFunction(id: $id, input: $input) {
              latestVersion {
                version
              }
            }
          }
        `,
        { id, input },
      );
    expect((await update({ code: Buffer.from('export default async () => 3').toString('base64') })).errors).toBeUndefined();
    expect((await update({ executionConfig: { retry: { attempts: 1 }, maxEventAgeSeconds: 600, destinations: { onFailure: null } } })).errors).toBeUndefined();

    const versions = await graphqlData(server.url, `query($id: ID!) { function(id: $id) { versions { version executionConfig { ${POLICY} } } } }`, { id });
    expect(versions.function.versions).toEqual([
      {
        version: '1.0.2',
        executionConfig: {
          retry: { attempts: 1, backoffSeconds: 10 },
          maxEventAgeSeconds: 600,
          destinations: { onSuccess: 'policy-default', onFailure: null },
        },
      },
      { version: '1.0.1', executionConfig: explicit },
      { version: '1.0.0', executionConfig: explicit },
    ]);

    const selfish = await update({ executionConfig: { destinations: { onSuccess: 'policy-set' } } });
    expect(selfish.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: [{ field: 'executionConfig.destinations.onSuccess', message: 'must not be the function itself' }],
    });
    const tooMany = await update({ executionConfig: { retry: { attempts: 11 } } });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: [{ field: 'executionConfig.retry.attempts', message: 'must be at most 10' }],
    });

    const rest = await registerRest(server.url, functionDocument('policy-bad', 'export default () => 1', { executionConfig: { maxEventAgeSeconds: 30 } }));
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: [{ field: 'executionConfig.maxEventAgeSeconds', message: 'must be at least 60 seconds' }],
    });
    const gql = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('policy-bad', 'export default () => 1', { executionConfig: { destinations: { onFailure: 'Not A Name' } } }),
    });
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'executionConfig.destinations.onFailure' }] });
    expect((await graphql(server.url, 'query { functionByName(name: "policy-bad") { id } }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('queries with filters and cursor pagination', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    for (const [name, tags] of [
      ['alpha-one', ['a', 'shared']],
      ['alpha-two', ['a']],
      ['alpha-three', ['shared']],
      ['beta-one', ['b']],
      ['beta_two', ['b', 'shared']],
    ] as const) {
      await register(server.url, name, 'export default () => 1', { metadata: { tags } });
    }
  });
  afterAll(() => server.close());

  it('pages through functions by name without skipping or repeating', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data: any = await graphqlData(
        server.url,
        'query($after: String) { functions(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      seen.push(...data.functions.nodes.map((n: { name: string }) => n.name));
      if (!data.functions.pageInfo.hasNextPage) break;
      after = data.functions.pageInfo.endCursor;
    }
    expect(seen).toEqual(['alpha-one', 'alpha-three', 'alpha-two', 'beta-one', 'beta_two']);
  });

  it('filters by name prefix, tag and language', async () => {
    const names = async (filter: Record<string, unknown>) =>
      (await graphqlData(server.url, 'query($f: FunctionFilterInput) { functions(filter: $f) { nodes { name } } }', { f: filter })).functions.nodes.map(
        (n: { name: string }) => n.name,
      );
    expect(await names({ namePrefix: 'alpha-t' })).toEqual(['alpha-three', 'alpha-two']);
    expect(await names({ namePrefix: 'beta_' })).toEqual(['beta_two']);
    expect(await names({ tag: 'shared' })).toEqual(['alpha-one', 'alpha-three', 'beta_two']);
    expect(await names({ language: 'python' })).toEqual([]);
    expect(await names({ language: 'javascript', tag: 'b' })).toEqual(['beta-one', 'beta_two']);
  });

  it('rejects page sizes out of range and forged cursors', async () => {
    expect((await graphql(server.url, '{ functions(first: 0) { nodes { name } } }')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(server.url, '{ functions(first: 101) { nodes { name } } }')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(server.url, '{ functions(after: "not-a-cursor") { nodes { name } } }')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
