import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, type As, newApiKeyToken } from '../support/credentials.js';
import { functionDocument, register } from '../support/functions.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { freePort } from '../support/throwaway-services.js';

type Document = { openapi: string; info: { version: string }; servers: Array<{ url: string }>; paths: Record<string, Record<string, any>> };

/** Answers every method and sub-path with what it was asked: the documents' requests reach it for real. */
const ECHO = `export default async (event) => ({ method: event.method, path: event.path });`;

const PRIVATE = { metadata: { permissions: { public: false, allowedUsers: [], executionRoles: [] } } };

async function getDocument(url: string, path: string, as?: As): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { headers: authHeaders(url, as) });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** Validates against the OpenAPI 3.1 meta-schema; fails the test with the validator's errors. */
async function expectValidOpenApi(document: unknown): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(document as Parameters<Validator['validate']>[0]);
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

describe('OpenAPI documents', () => {
  let server: TestServer;
  let publicFn: any;
  let invocationId: string;
  let viewerKey: string;

  beforeAll(async () => {
    server = await startTestServer();
    publicFn = await register(server.url, 'docs-public', ECHO);
    await register(server.url, 'docs-private', ECHO, PRIVATE);
    await register(server.url, 'docs-shared', ECHO, { metadata: { permissions: { public: false, allowedUsers: ['viewer-1'], executionRoles: [] } } });
    viewerKey = await createKey(server.url, 'viewer-1', ['invoker']);
    const queued = await fetch(`${server.url}/fn/docs-public`, { method: 'POST', headers: { prefer: 'respond-async' } });
    invocationId = ((await queued.json()) as { invocationId: string }).invocationId;
  });
  afterAll(() => server?.close());

  it('/openapi.json is a valid OpenAPI 3.1 document listing only the functions the caller may reach', async () => {
    const anonymous = await getDocument(server.url, '/openapi.json', null);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toBe('private, no-store');
    await expectValidOpenApi(anonymous.body);
    const anonymousPaths = Object.keys(anonymous.body.paths);
    expect(anonymousPaths).toEqual(
      expect.arrayContaining(['/functions/register', '/invocations/{id}', '/health/live', '/execute/{functionId}', '/fn/docs-public']),
    );
    expect(anonymousPaths.filter((path) => path.includes('docs-private') || path.includes('docs-shared'))).toEqual([]);
    // Public: a credential is optional there; the management routes need one.
    expect(anonymous.body.paths['/fn/docs-public'].post.security).toContainEqual({});
    expect(anonymous.body.paths['/functions/register'].post.security).not.toContainEqual({});

    const viewer = await getDocument(server.url, '/openapi.json', viewerKey);
    expect(Object.keys(viewer.body.paths).filter((path) => path.startsWith('/fn/docs-'))).toEqual(
      expect.arrayContaining(['/fn/docs-public', '/fn/docs-shared', '/fn/docs-shared@{version}']),
    );
    expect(Object.keys(viewer.body.paths).filter((path) => path.includes('docs-private'))).toEqual([]);
    expect(viewer.body.paths['/fn/docs-shared'].get.security).not.toContainEqual({});

    const admin = await getDocument(server.url, '/openapi.json');
    await expectValidOpenApi(admin.body);
    expect(Object.keys(admin.body.paths)).toEqual(expect.arrayContaining(['/fn/docs-private', '/fn/docs-private/{path}', '/fn/docs-private/openapi.json']));
  });

  it('derives the registration document’s schema from the validation, with this server’s limits', async () => {
    const { body } = await getDocument(server.url, '/openapi.json');
    const schema = body.components.schemas.RegistrationDocument;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'language', 'code']));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.executionConfig.properties.timeout.maximum).toBe(server.config.limits.maxTimeoutSeconds);
    expect(schema.properties.name.description).toMatch(/\/fn\/<name>/);
  });

  it.each([
    ['an admin', undefined],
    ['an anonymous caller', null],
  ] as const)('answers every path and method documented for %s with a status the document lists', async (_who, as) => {
    const { body } = await getDocument(server.url, '/openapi.json', as);
    const document = body as Document;
    const checked: string[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const path = template
          .replace('{functionId}', publicFn.id)
          .replace('{id}', invocationId)
          .replace('{version}', publicFn.version)
          .replace('{name}', 'prod')
          .replace('{path}', 'a/b');
        const init: RequestInit = { method: method.toUpperCase(), headers: { ...authHeaders(server.url, as), 'content-type': 'application/json' } };
        if (operation.requestBody) init.body = JSON.stringify(sampleBody(template));
        const response = await fetch(`${server.url}${path}`, init);
        await response.arrayBuffer();
        const documented = Object.keys(operation.responses).filter((status) => status !== 'default');
        expect(documented, `${method.toUpperCase()} ${path}`).toContain(String(response.status));
        checked.push(`${method} ${template}`);
      }
    }
    // Every form of every reachable function, every method; the management routes.
    const management = ['post /functions/register', 'get /invocations/{id}', 'get /health/ready', 'post /graphql', 'get /openapi.json'];
    if (server.config.observability.metrics) management.push('get /metrics');
    expect(checked).toEqual(expect.arrayContaining([...management, 'patch /fn/docs-public@{version}/{path}', 'get /fn/docs-public/openapi.json']));
    if (as === undefined) expect(checked).toContain('patch /fn/docs-private@{version}/{path}');
    expect(checked.length).toBeGreaterThan(4 * METHODS.length * (as === undefined ? 3 : 1));
  });

  it('GET /fn/<name>/openapi.json documents one function to whoever may invoke it, exactly as invoking it would be refused', async () => {
    const own = await getDocument(server.url, '/fn/docs-public/openapi.json', null);
    expect(own.status).toBe(200);
    await expectValidOpenApi(own.body);
    expect(own.body.info).toMatchObject({ title: 'docs-public', version: publicFn.version });
    expect(Object.keys(own.body.paths).sort()).toEqual(
      ['/fn/docs-public', '/fn/docs-public/{path}', '/fn/docs-public@{version}', '/fn/docs-public@{version}/{path}', '/fn/docs-public/openapi.json'].sort(),
    );
    // Where issue 15's declared schemas go: every body operation has a request body and a 200 schema.
    expect(own.body.paths['/fn/docs-public'].post.requestBody.content).toHaveProperty(['*/*', 'schema']);

    for (const as of [null, viewerKey]) {
      const invoked = await fetch(`${server.url}/fn/docs-private`, { headers: authHeaders(server.url, as) });
      const documented = await getDocument(server.url, '/fn/docs-private/openapi.json', as);
      expect(documented.status).toBe(invoked.status);
      expect(documented.status).toBe(404);
      expect(documented.body.error.code).toBe('NOT_FOUND');
    }
    expect((await getDocument(server.url, '/fn/docs-shared/openapi.json', viewerKey)).status).toBe(200);
    expect((await getDocument(server.url, '/fn/docs-private/openapi.json')).status).toBe(200);
    const badKey = await getDocument(server.url, '/fn/docs-public/openapi.json', newApiKeyToken());
    expect(badKey.status).toBe(401);
  });

  it('serves the pinned form and HEAD; other methods and the /execute route reach the function itself', async () => {
    const second = await register(server.url, 'docs-public', ECHO, { version: '2.0.0' });
    const pinned = await getDocument(server.url, `/fn/docs-public@${publicFn.version}/openapi.json`, null);
    expect(pinned.status).toBe(200);
    expect(pinned.body.info.version).toBe(publicFn.version);
    expect((await getDocument(server.url, '/fn/docs-public/openapi.json', null)).body.info.version).toBe(second.version);
    expect((await getDocument(server.url, '/fn/docs-public@9.9.9/openapi.json', null)).status).toBe(404);

    const head = await fetch(`${server.url}/fn/docs-public/openapi.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-fngraph-invocation-id')).toBeNull();

    const posted = await fetch(`${server.url}/fn/docs-public/openapi.json`, { method: 'POST' });
    expect(await posted.json()).toEqual({ method: 'POST', path: '/openapi.json' });
    const viaExecute = await fetch(`${server.url}/execute/${publicFn.id}/openapi.json`);
    expect(viaExecute.headers.get('x-fngraph-invocation-id')).not.toBeNull();
    expect(await viaExecute.json()).toEqual({ method: 'GET', path: '/openapi.json' });
  });
});

describe('OpenAPI documents with a functions origin', () => {
  let server: TestServer;
  let functionsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    functionsUrl = `http://127.0.0.1:${port}`;
    server = await startTestServer({ FNGRAPH_FUNCTIONS_PORT: String(port) });
    await register(server.url, 'docs-origin', ECHO);
  });
  afterAll(() => server?.close());

  it('gives the functions’ origin as the server of their paths, and serves their documents there', async () => {
    const { body } = await getDocument(server.url, '/openapi.json', null);
    await expectValidOpenApi(body);
    expect(body.servers).toEqual([{ url: server.url, description: 'The management API' }]);
    expect(body.paths['/fn/docs-origin'].servers).toEqual([{ url: functionsUrl, description: 'The functions’ origin' }]);
    expect(body.paths['/functions/register'].servers).toBeUndefined();
    const onOrigin = await getDocument(functionsUrl, '/fn/docs-origin/openapi.json', null);
    expect(onOrigin.status).toBe(200);
    await expectValidOpenApi(onOrigin.body);
    expect(onOrigin.body.paths['/fn/docs-origin'].servers[0].url).toBe(functionsUrl);
  });
});

function sampleBody(template: string): unknown {
  if (template === '/functions/register') return functionDocument('docs-probe', 'export default async () => 1;');
  if (template === '/graphql') return { query: '{ __typename }' };
  return { probe: true };
}
