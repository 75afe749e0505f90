import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { functionDocument, register, registerRest } from '../support/functions.js';
import { scrape } from '../support/prometheus.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/**
 * Counts its runs in the sandbox's memory: a first accepted call answering `calls: 1` shows that
 * none of the refused ones before it reached the handler.
 */
const RESIZE = `let calls = 0;
export default async (event) => {
  calls += 1;
  const body = JSON.parse(event.body ?? '{}');
  return { url: body.broken ? 7 : 'https://img.example/' + body.width, calls };
};`;

const INPUT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { width: { $ref: '#/$defs/size' }, height: { $ref: '#/$defs/size' }, broken: { type: 'boolean' } },
  required: ['width'],
  $defs: { size: { type: 'integer', minimum: 1, maximum: 4096 } },
};
const QUERY = { type: 'object', properties: { page: { type: 'integer', minimum: 1 } } };
const OUTPUT = { type: 'object', properties: { url: { type: 'string' }, calls: { type: 'integer' } }, required: ['url'] };

async function post(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** Everything that shows a sandbox was asked for, or an invocation recorded, for one function. */
async function traces(server: TestServer, name: string, functionId: string): Promise<{ acquired: number; coldStarts: number; invocations: number }> {
  const metrics = await scrape(server.url);
  const acquired =
    metrics.value('fngraph_sandbox_acquire_wait_seconds_count', { function: name, start: 'cold' }) +
    metrics.value('fngraph_sandbox_acquire_wait_seconds_count', { function: name, start: 'warm' });
  const data = await graphqlData(server.url, 'query($id: ID) { invocations(functionId: $id, first: 100) { nodes { id } } }', { id: functionId });
  return { acquired, coldStarts: metrics.value('fngraph_invocation_cold_starts_total', { function: name }), invocations: data.invocations.nodes.length };
}

describe('declared contracts', () => {
  let server: TestServer;
  let resize: any;

  beforeAll(async () => {
    server = await startTestServer();
    resize = await register(server.url, 'resize', RESIZE, { version: '1.0.0', contract: { input: INPUT, query: QUERY, output: OUTPUT, outputMode: 'flag' } });
  });
  afterAll(() => server?.close());

  it('stores the contract with the version and shows it in GraphQL, $ keywords included', async () => {
    expect(resize.contract).toEqual({ input: INPUT, query: QUERY, output: OUTPUT, outputMode: 'flag' });
    const data = await graphqlData(
      server.url,
      'query($id: ID!) { functionVersion(functionId: $id, version: "1.0.0") { contract { input query output outputMode } } }',
      {
        id: resize.id,
      },
    );
    expect(data.functionVersion.contract).toEqual({ input: INPUT, query: QUERY, output: OUTPUT, outputMode: 'FLAG' });
  });

  it('refuses a schema that does not compile, naming the contract part', async () => {
    const refused = await registerRest(server.url, functionDocument('bad-contract', RESIZE, { contract: { input: { type: 'nope' } } }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BAD_USER_INPUT');
    expect(refused.body.error.details).toContainEqual({ field: 'contract.input', message: expect.stringContaining('not a valid JSON Schema') });
    const viaGraphql = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: { ...functionDocument('bad-contract', RESIZE), contract: { output: { type: 'object', required: 'url' } } },
    });
    expect(viaGraphql.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(viaGraphql.errors?.[0]?.extensions?.details).toContainEqual({
      field: 'contract.output',
      message: expect.stringContaining('not a valid JSON Schema'),
    });
  });

  it('refuses bad input with 400 and the schema errors before execution: no sandbox started, no invocation recorded', async () => {
    const before = await traces(server, 'resize', resize.id);

    const wrongType = await post(server.url, '/fn/resize', JSON.stringify({ width: 'wide' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'body/width', message: 'must be integer' }] });
    expect(wrongType.headers.get('x-fngraph-invocation-id')).toBeNull();

    const missing = await post(server.url, `/execute/${resize.id}`, JSON.stringify({ height: 5000 }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'body/width', message: "must have required property 'width'" },
        { field: 'body/height', message: 'must be <= 4096' },
      ]),
    );

    const notJson = await post(server.url, '/fn/resize', 'width=200', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details).toEqual([{ field: 'body', message: expect.stringContaining('must be JSON') }]);

    const badQuery = await post(server.url, '/fn/resize?page=zero', JSON.stringify({ width: 10 }));
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details).toEqual([{ field: 'query/page', message: 'must be integer' }]);

    const queued = await post(server.url, '/fn/resize', JSON.stringify({ width: 0 }), { prefer: 'respond-async' });
    expect(queued.status).toBe(400);
    expect(queued.body.error.details).toEqual([{ field: 'body/width', message: 'must be >= 1' }]);

    for (const async of [false, true]) {
      const viaGraphql = await graphql(server.url, 'mutation($input: InvokeFunctionInput!) { invokeFunction(input: $input) { id status } }', {
        input: { name: 'resize', payload: { width: -1 }, async },
      });
      expect(viaGraphql.data).toBeNull();
      expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'body/width', message: 'must be >= 1' }] });
    }

    expect(await traces(server, 'resize', resize.id)).toEqual(before);
    expect((await scrape(server.url)).value('fngraph_contract_violations_total', { function: 'resize', part: 'input' })).toBe(7);

    const accepted = await post(server.url, '/fn/resize?page=2', JSON.stringify({ width: 200 }));
    expect(accepted.status).toBe(200);
    // The handler's first run: none of the refused requests reached it.
    expect(accepted.body).toEqual({ url: 'https://img.example/200', calls: 1 });
  });

  it('outputMode flag: a result that breaks the output schema is answered and flagged on the invocation and in the metrics', async () => {
    const flagged = await post(server.url, '/fn/resize', JSON.stringify({ width: 5, broken: true }));
    expect(flagged.status).toBe(200);
    expect(flagged.body.url).toBe(7);
    const id = flagged.headers.get('x-fngraph-invocation-id');
    const data = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status contractViolations } }', { id });
    expect(data.invocation).toEqual({ status: 'SUCCEEDED', contractViolations: ['output/url: must be string'] });
    expect((await scrape(server.url)).value('fngraph_contract_violations_total', { function: 'resize', part: 'output' })).toBe(1);

    // Queued runs are judged by the worker the same way.
    const queued = await post(server.url, '/fn/resize', JSON.stringify({ width: 6, broken: true }), { prefer: 'respond-async' });
    expect(queued.status).toBe(202);
    const ran = await until(
      () => graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status contractViolations } }', { id: queued.body.invocationId }),
      (result) => result.invocation.status === 'SUCCEEDED',
    );
    expect(ran.invocation.contractViolations).toEqual(['output/url: must be string']);

    const clean = await post(server.url, '/fn/resize', JSON.stringify({ width: 5 }));
    const cleanData = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { contractViolations } }', {
      id: clean.headers.get('x-fngraph-invocation-id'),
    });
    expect(cleanData.invocation.contractViolations).toEqual([]);
  });

  it('outputMode refuse: such a result fails the invocation (ContractViolation) and HTTP answers 502 OUTPUT_CONTRACT_VIOLATION', async () => {
    const strict = await register(server.url, 'resize-strict', RESIZE, { contract: { output: OUTPUT, outputMode: 'refuse' } });
    const refused = await post(server.url, '/fn/resize-strict', JSON.stringify({ width: 5, broken: true }));
    expect(refused.status).toBe(502);
    // The type is fngraph's own, so every caller sees it; the details only whoever may read the code (on the record).
    expect(refused.body.error).toMatchObject({ code: 'OUTPUT_CONTRACT_VIOLATION', type: 'ContractViolation' });
    const stored = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status response error { type } contractViolations } }', {
      id: refused.body.invocationId,
    });
    expect(stored.invocation).toEqual({
      status: 'FAILED',
      response: null,
      error: { type: 'ContractViolation' },
      contractViolations: ['output/url: must be string'],
    });

    const viaGraphql = await graphqlData(
      server.url,
      'mutation($input: InvokeFunctionInput!) { invokeFunction(input: $input) { status response error { type } } }',
      {
        input: { functionId: strict.id, payload: { width: 5, broken: true } },
      },
    );
    expect(viaGraphql.invokeFunction).toEqual({ status: 'FAILED', response: null, error: { type: 'ContractViolation' } });

    const fine = await post(server.url, '/fn/resize-strict', JSON.stringify({ width: 5 }));
    expect(fine.status).toBe(200);
    expect(fine.body.url).toBe('https://img.example/5');
  });

  it('the OpenAPI document shows the schemas: request body, query parameters, 200 response', async () => {
    const response = await fetch(`${server.url}/fn/resize/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    const post = document.paths['/fn/resize'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual(INPUT);
    expect(post.parameters).toContainEqual({ name: 'page', in: 'query', required: false, schema: QUERY.properties.page });
    expect(post.responses['200'].content['application/json'].schema).toEqual(OUTPUT);
    const all = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    expect(all.paths['/fn/resize'].post.requestBody.content['application/json'].schema).toEqual(INPUT);
  });
});

describe('breaking changes and versionDiff', () => {
  let server: TestServer;
  let fn: any;
  const contract = { input: INPUT, output: OUTPUT };
  // Viewers see it (and its versions) by role, without reading its code.
  const metadata = { permissions: { public: false, allowedUsers: [], executionRoles: ['viewer'] } };

  beforeAll(async () => {
    server = await startTestServer();
    fn = await register(server.url, 'thumbs', RESIZE, {
      version: '1.0.0',
      contract,
      metadata: { permissions: { public: false, allowedUsers: [], executionRoles: ['viewer'] } },
    });
  });
  afterAll(() => server?.close());

  /** Removes `height`, makes `broken` required, narrows `width`, drops `calls` from the output. */
  const breaking = {
    input: {
      type: 'object',
      properties: { width: { type: 'integer', minimum: 1, maximum: 2048 }, broken: { type: 'boolean' } },
      required: ['width', 'broken'],
    },
    output: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
  };

  it('a breaking schema without a major bump is refused with the reasons (REST and GraphQL)', async () => {
    const refused = await registerRest(server.url, functionDocument('thumbs', RESIZE, { version: '1.1.0', contract: breaking }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('BREAKING_CHANGE');
    expect(refused.body.error.message).toContain('2.0.0');
    expect(refused.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'contract.input/height', message: 'input property height removed' },
        { field: 'contract.input/broken', message: 'broken is now required' },
        { field: 'contract.output/calls', message: 'output property calls removed' },
      ]),
    );
    // The width lost its $ref for a tighter schema: compared as text, not counted as breaking on its own.
    const viaGraphql = await graphql(
      server.url,
      'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version } } }',
      {
        id: fn.id,
        input: { contract: breaking },
      },
    );
    expect(viaGraphql.errors?.[0]?.extensions?.code, JSON.stringify(viaGraphql.errors)).toBe('BREAKING_CHANGE');
    expect(viaGraphql.errors?.[0]?.extensions?.details).toContainEqual({ field: 'contract.input/height', message: 'input property height removed' });
    // Nothing was stored.
    const data = await graphqlData(server.url, 'query($id: ID!) { function(id: $id) { latestVersion { version } versions { version } } }', { id: fn.id });
    expect(data.function).toEqual({ latestVersion: { version: '1.0.0' }, versions: [{ version: '1.0.0' }] });
  });

  it('is accepted with a major bump, or with allowBreakingChanges (audited)', async () => {
    const major = await registerRest(
      server.url,
      functionDocument('thumbs', RESIZE.replace('img.example', 'cdn.example'), {
        version: '2.0.0',
        contract: breaking,
        metadata,
        executionConfig: { timeout: 9 },
      }),
    );
    expect(major.status).toBe(201);
    expect(major.body.version).toBe('2.0.0');

    const tighter = {
      ...breaking,
      input: { ...breaking.input, properties: { ...breaking.input.properties, width: { type: 'integer', minimum: 10, maximum: 2048 } } },
    };
    const plain = await graphql(
      server.url,
      'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version } } }',
      {
        id: fn.id,
        input: { contract: tighter },
      },
    );
    expect(plain.errors?.[0]?.extensions?.details).toEqual([{ field: 'contract.input/width', message: 'minimum 1 → 10 (tighter)' }]);
    const overridden = await graphqlData(
      server.url,
      'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version } } }',
      {
        id: fn.id,
        input: { contract: tighter, allowBreakingChanges: true },
      },
    );
    expect(overridden.updateFunction.latestVersion.version).toBe('2.0.1');
    const audit = await graphqlData(server.url, 'query { auditLog(filter: { action: "function.breakingChange" }) { nodes { action details } } }');
    expect(audit.auditLog.nodes).toEqual([
      {
        action: 'function.breakingChange',
        details: { name: 'thumbs', version: '2.0.1', previousVersion: '2.0.0', reasons: ['input/width: minimum 1 → 10 (tighter)'] },
      },
    ]);
    // An update without a contract keeps the latest one.
    const kept = await graphqlData(
      server.url,
      'mutation($id: ID!) { updateFunction(id: $id, input: { description: "same contract" }) { latestVersion { version contract { input } } } }',
      { id: fn.id },
    );
    expect(kept.updateFunction.latestVersion).toEqual({ version: '2.0.2', contract: { input: tighter.input } });
  });

  it('versionDiff shows code, config and contract differences; the code only to those who may read it', async () => {
    const query = `query($id: ID!, $from: String!, $to: String!) { versionDiff(functionId: $id, from: $from, to: $to) {
      from to code { identical unified fromHash toHash } codeUnavailableReason config { path before after } contract { path kind breaking message } } }`;
    const diff = (await graphqlData(server.url, query, { id: fn.id, from: '1.0.0', to: '2.0.0' })).versionDiff;
    expect(diff.from).toBe('1.0.0');
    expect(diff.to).toBe('2.0.0');
    expect(diff.code.identical).toBe(false);
    expect(diff.code.unified).toContain("-  return { url: body.broken ? 7 : 'https://img.example/' + body.width, calls };");
    expect(diff.code.unified).toContain("+  return { url: body.broken ? 7 : 'https://cdn.example/' + body.width, calls };");
    expect(diff.code.unified).toMatch(/^--- a\/1\.0\.0\n\+\+\+ b\/2\.0\.0\n@@ -2,5 \+2,5 @@/);
    expect(diff.config).toEqual([{ path: 'executionConfig.timeout', before: 5, after: 9 }]);
    expect(diff.contract).toEqual(
      expect.arrayContaining([
        { path: 'input/height', kind: 'PROPERTY_REMOVED', breaking: true, message: 'input property height removed' },
        { path: 'input/broken', kind: 'REQUIRED_ADDED', breaking: true, message: 'broken is now required' },
        { path: 'output/calls', kind: 'PROPERTY_REMOVED', breaking: true, message: 'output property calls removed' },
      ]),
    );

    const same = (await graphqlData(server.url, query, { id: fn.id, from: '2.0.1', to: '2.0.2' })).versionDiff;
    expect(same.code).toMatchObject({ identical: true, unified: '' });
    expect(same.contract).toEqual([]);

    const viewer = await createKey(server.url, 'viewer-1', ['viewer']);
    const seen = (await graphqlData(server.url, query, { id: fn.id, from: '1.0.0', to: '2.0.0' }, viewer)).versionDiff;
    expect(seen.code).toBeNull();
    expect(seen.codeUnavailableReason).toContain('read this function');
    expect(seen.contract).toEqual(diff.contract);

    const stranger = await createKey(server.url, 'stranger', ['developer']);
    const hidden = await graphql(server.url, query, { id: fn.id, from: '1.0.0', to: '2.0.0' }, stranger);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
