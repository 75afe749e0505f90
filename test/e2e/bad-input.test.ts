import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { authHeaders } from '../support/credentials.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const VALID = 'export default async () => "ok"';
const PYTHON = Buffer.from('def handler(event, context):\n    return "ok"\n').toString('base64');

describe('bad input gets a clear error and stores nothing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await register(server.url, 'existing', VALID);
  });
  afterAll(() => server.close());

  const storedFunctionNames = async () => (await graphqlData(server.url, '{ functions(first: 100) { nodes { name versions { version } } } }')).functions.nodes;

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['invalid base64', { code: 'this is not base64!!' }, 'code'],
    ['base64 of invalid UTF-8', { code: Buffer.from([0xff, 0xfe, 0xfd]).toString('base64') }, 'code'],
    ['empty code', { code: '' }, 'code'],
    ['a bad semver', { version: '1.0' }, 'version'],
    ['a v-prefixed semver', { version: 'v1.0.0' }, 'version'],
    ['an unknown language', { language: 'cobol' }, 'language'],
    ['an unknown runtime', { runtime: 'nodejs8' }, 'runtime'],
    ['a runtime of another language', { runtime: 'python3.11' }, 'runtime'],
    ['a name containing ../', { name: '../etc' }, 'name'],
    ['a name with a slash', { name: 'a/b' }, 'name'],
    ['a name with a control character', { name: 'bad\u0007name' }, 'name'],
    ['an upper-case name', { name: 'Hello' }, 'name'],
    ['a name that is too long', { name: 'a'.repeat(64) }, 'name'],
    ['a timeout of zero', { executionConfig: { timeout: 0 } }, 'executionConfig.timeout'],
    ['a huge timeout', { executionConfig: { timeout: 100000 } }, 'executionConfig.timeout'],
    ['a fractional memory limit', { executionConfig: { memoryLimit: 128.5 } }, 'executionConfig.memoryLimit'],
    ['a tiny memory limit', { executionConfig: { memoryLimit: 1 } }, 'executionConfig.memoryLimit'],
    ['a concurrency of zero', { executionConfig: { concurrency: 0 } }, 'executionConfig.concurrency'],
    ['a concurrency over 1000', { executionConfig: { concurrency: 1001 } }, 'executionConfig.concurrency'],
    ['a fractional concurrency', { executionConfig: { concurrency: 2.5 } }, 'executionConfig.concurrency'],
    ['a concurrency that is not a number', { executionConfig: { concurrency: '4' } }, 'executionConfig.concurrency'],
    [
      'a Python function with concurrency 2',
      { language: 'python', runtime: 'python3.11', code: PYTHON, executionConfig: { concurrency: 2 } },
      'executionConfig.concurrency',
    ],
    ['an invalid variable name', { executionConfig: { environmentVariables: { 'BAD-NAME': 'x' } } }, 'executionConfig.environmentVariables.BAD-NAME'],
    ['a non-string variable', { executionConfig: { environmentVariables: { A: 1 } } }, 'executionConfig.environmentVariables.A'],
    ['a variable value over 32 KB', { executionConfig: { environmentVariables: { A: 'x'.repeat(32 * 1024 + 1) } } }, 'executionConfig.environmentVariables.A'],
    [
      'a secret variable value over 32 KB',
      { executionConfig: { environmentVariables: { A: { value: 'x'.repeat(32 * 1024 + 1), secret: true } } } },
      'executionConfig.environmentVariables.A.value',
    ],
    ['too many tags', { metadata: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }, 'metadata.tags'],
    ['a tag that is too long', { metadata: { tags: ['x'.repeat(51)] } }, 'metadata.tags.0'],
    ['an unknown role', { metadata: { permissions: { executionRoles: ['root'] } } }, 'metadata.permissions.executionRoles.0'],
    ['a dependency with a URL spec', { metadata: { dependencies: { lodash: 'https://evil.test/lodash.tgz' } } }, 'metadata.dependencies.lodash'],
    ['an unknown field', { surprise: true }, ''],
    ['an operator object as name', { name: { $gt: '' } }, 'name.$gt'],
    ['an operator key in dependencies', { metadata: { dependencies: { $where: '1' } } }, 'metadata.dependencies.$where'],
  ];

  it.each(cases)('rejects %s', async (_label, override, field) => {
    const before = await storedFunctionNames();
    const { status, body } = await registerRest(server.url, functionDocument('fresh-name', VALID, override));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(typeof body.error.message).toBe('string');
    if (field) expect(body.error.details.map((d: { field?: string }) => d.field)).toContain(field);
    expect(await storedFunctionNames()).toEqual(before);
  });

  it('rejects __proto__ keys anywhere in the document', async () => {
    const before = await storedFunctionNames();
    const raw = JSON.stringify(functionDocument('proto-test', VALID)).replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},');
    const response = await fetch(`${server.url}/functions/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
      body: raw,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await storedFunctionNames()).toEqual(before);
  });

  it('rejects a 10 MiB body with 413 and a JSON error', async () => {
    const before = await storedFunctionNames();
    const huge = JSON.stringify(functionDocument('huge', VALID, { description: 'x'.repeat(10 * 1024 * 1024) }));
    for (const path of ['/functions/register', '/graphql', '/fn/existing']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect(await storedFunctionNames()).toEqual(before);
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await fetch(`${server.url}/functions/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('BAD_USER_INPUT');
  });

  it('rejects operator objects and prototype keys in GraphQL inputs and filters', async () => {
    const operatorFilter = await graphql(server.url, 'query($f: FunctionFilterInput) { functions(filter: $f) { nodes { name } } }', {
      f: { namePrefix: { $gt: '' } },
    });
    expect(operatorFilter.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const operatorTag = await graphql(server.url, 'query($f: FunctionFilterInput) { functions(filter: $f) { nodes { name } } }', { f: { tag: { $ne: null } } });
    expect(operatorTag.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const before = await storedFunctionNames();
    const protoDeps = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: { ...functionDocument('gql-proto', VALID), metadata: JSON.parse('{"dependencies": {"__proto__": "1.0.0"}}') },
    });
    expect(protoDeps.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const badName = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('../../etc/passwd', VALID),
    });
    expect(badName.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(badName.errors?.[0].extensions?.details?.[0].field).toBe('name');

    const badLanguage = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('x', VALID, { language: 'cobol' }),
    });
    expect(badLanguage.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await storedFunctionNames()).toEqual(before);
  });

  it('rejects a variable value over 32 KB over GraphQL with BAD_USER_INPUT', async () => {
    const before = await storedFunctionNames();
    const result = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('big-env', VALID, { executionConfig: { environmentVariables: { A: 'x'.repeat(40_000) } } }),
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.details?.map((d: { field?: string }) => d.field)).toContain('executionConfig.environmentVariables.A');
    expect(await storedFunctionNames()).toEqual(before);
  });

  it('rejects very deeply nested JSON with 400 (REST and GraphQL), never a 500', async () => {
    const levels = 100_000;
    const deepArray = '['.repeat(levels) + ']'.repeat(levels);
    const deepObject = '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const deepMetadata = JSON.stringify(functionDocument('deep', VALID)).replace('"metadata":{', `"metadata":{"extra":${deepObject},`);
    for (const body of [deepArray, deepObject, deepMetadata]) {
      const response = await fetch(`${server.url}/functions/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
        body,
      });
      expect(response.status).toBe(400);
      const json = await response.json();
      expect(json.error.code).toBe('BAD_USER_INPUT');
      expect(json.error.message).toMatch(/nested/);
    }
    const viaGraphql = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
      body: `{"query":"mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }","variables":{"input":${deepMetadata}}}`,
    });
    expect(viaGraphql.status).toBe(400);
    expect((await viaGraphql.json()).error.code).toBe('BAD_USER_INPUT');
    const viaInvoke = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
      body: `{"query":"mutation($p: JSON) { invokeFunction(input: { name: \\"existing\\", payload: $p }) { status } }","variables":{"p":${deepObject}}}`,
    });
    expect(viaInvoke.status).toBe(400);
    expect((await viaInvoke.json()).error.code).toBe('BAD_USER_INPUT');
    // The server is still fine.
    expect((await graphqlData(server.url, '{ me { subject } }')).me.subject).toBe('admin');
  });

  it('answers GraphQL syntax errors with a client error code', async () => {
    const result = await graphql(server.url, '{ functions(filter: {namePrefix: {$gt: ""}}) { nodes { name } } }');
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
