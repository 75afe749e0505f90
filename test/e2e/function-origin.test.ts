import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../support/credentials.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { InvocationDrain } from '@/modules/invocations/invocation-drain.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { freePort } from '../support/throwaway-services.js';

/**
 * A public page that tries everything a page on the API's origin could abuse: script,
 * a cookie, CORS for any site, the platform's own ids, and origin-wide policies.
 */
const HOSTILE_PAGE = `
export default async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'set-cookie': ['session=stolen; Path=/', 'other=1; Path=/graphql'],
    'access-control-allow-origin': '*',
    'Access-Control-Allow-Credentials': 'true',
    'access-control-expose-headers': '*',
    'x-fngraph-invocation-id': 'forged',
    'X-Request-Id': 'forged',
    'traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'x-content-type-options': 'sniff-away',
    'clear-site-data': '"storage"',
    'nel': '{"report_to":"x","max_age":31536000}',
    'content-security-policy': "img-src 'none'",
    'x-own-header': 'kept',
  },
  body: '<script>fetch("/graphql", { credentials: "include" })</script>',
});`;

const FUNCTION_HEADERS = 'query($name: String!) { functionByName(name: $name) { endpoints { execute http httpPinned } } }';

async function invocationOf(url: string, id: string): Promise<{ functionName: string; status: string } | null> {
  const { invocation } = await graphqlData(url, 'query($id: ID!) { invocation(id: $id) { functionName status } }', { id });
  return invocation;
}

/** What the API's origin must never let a function response do there. */
async function expectContained(response: Response, apiUrl: string): Promise<void> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-security-policy')).toMatch(/(^|,\s*)sandbox($|[;,])/);
  // The function's own policy is enforced too, never instead of the platform's.
  expect(response.headers.get('content-security-policy')).toContain("img-src 'none'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('set-cookie')).toBeNull();
  expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  expect(response.headers.get('clear-site-data')).toBeNull();
  expect(response.headers.get('nel')).toBeNull();
  expect(response.headers.get('traceparent')).toBeNull();
  expect(response.headers.get('x-own-header')).toBe('kept');
  await expectPlatformIds(response, apiUrl);
}

async function expectPlatformIds(response: Response, apiUrl: string): Promise<void> {
  const invocationId = response.headers.get('x-fngraph-invocation-id') as string;
  expect(invocationId).not.toBe('forged');
  expect(await invocationOf(apiUrl, invocationId)).toMatchObject({ functionName: 'hostile-page', status: 'SUCCEEDED' });
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
}

describe('function responses on the API origin (no functions origin configured)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await register(server.url, 'hostile-page', HOSTILE_PAGE);
  });
  afterAll(() => server?.close());

  it('are sandboxed (CSP), never sniffed, and keep none of the cookies, CORS, platform ids or origin-wide policies a function sets', async () => {
    for (const path of ['/fn/hostile-page', '/fn/hostile-page/any/path']) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: 'https://evil.example' } });
      await expectContained(response, server.url);
      expect(await response.text()).toContain('<script>');
    }
  });

  it('keeps the caller’s own request id over the function’s', async () => {
    const response = await fetch(`${server.url}/fn/hostile-page`, { headers: { 'x-request-id': 'caller-chosen-id' } });
    expect(response.headers.get('x-request-id')).toBe('caller-chosen-id');
  });

  it('sandboxes the gateway’s own answers too (errors, JSON results)', async () => {
    const missing = await fetch(`${server.url}/fn/no-such-function`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('gives paths as endpoints, as before', async () => {
    const { functionByName } = await graphqlData(server.url, FUNCTION_HEADERS, { name: 'hostile-page' });
    expect(functionByName.endpoints.http).toBe('/fn/hostile-page');
  });
});

describe('a separate functions origin (FNGRAPH_FUNCTIONS_PORT)', () => {
  let server: TestServer;
  let functionsUrl: string;
  let registered: { endpoints: { execute: string; http: string; httpPinned: string } };

  beforeAll(async () => {
    const port = await freePort();
    functionsUrl = `http://127.0.0.1:${port}`;
    server = await startTestServer({ FNGRAPH_FUNCTIONS_PORT: String(port) });
    registered = await register(server.url, 'hostile-page', HOSTILE_PAGE);
  });
  afterAll(() => server?.close());

  it('serves functions there, letting them set cookies and CORS, but never the platform’s ids', async () => {
    const response = await fetch(`${functionsUrl}/fn/hostile-page`);
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toContain('session=stolen');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-security-policy')).toBe("img-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-own-header')).toBe('kept');
    await expectPlatformIds(response, server.url);
  });

  it('points the endpoints (REST registration, GraphQL) at the functions origin, and they answer', async () => {
    expect(registered.endpoints.http).toBe(`${functionsUrl}/fn/hostile-page`);
    expect(registered.endpoints.execute).toMatch(new RegExp(`^${functionsUrl}/execute/`));
    const { functionByName } = await graphqlData(server.url, FUNCTION_HEADERS, { name: 'hostile-page' });
    expect(functionByName.endpoints).toEqual(registered.endpoints);
    for (const endpoint of Object.values(registered.endpoints)) expect((await fetch(endpoint)).status).toBe(200);
  });

  it('serves nothing of the management API there', async () => {
    const graphql = await fetch(`${functionsUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
      body: JSON.stringify({ query: '{ me { subject } }' }),
    });
    expect(graphql.status).toBe(404);
    expect((await graphql.json()).error.code).toBe('NOT_FOUND');
    for (const path of ['/graphql', '/functions/register', '/invocations/x', '/health/live', '/metrics', '/openapi.json', '/']) {
      expect((await fetch(`${functionsUrl}${path}`, { headers: authHeaders(server.url) })).status).toBe(404);
    }
  });

  it('points a queued call’s Location at the API, where the invocation is read', async () => {
    const response = await fetch(`${functionsUrl}/fn/hostile-page`, { method: 'POST', headers: { prefer: 'respond-async', ...authHeaders(server.url) } });
    expect(response.status).toBe(202);
    const location = response.headers.get('location') as string;
    expect(location.startsWith(`${server.url}/invocations/`)).toBe(true);
    expect((await fetch(location, { headers: authHeaders(server.url) })).status).toBe(200);
  });

  it('keeps serving /fn on the API port, contained as on a shared origin', async () => {
    await expectContained(await fetch(`${server.url}/fn/hostile-page`), server.url);
  });
});

describe('a functions origin behind a proxy (FNGRAPH_FUNCTIONS_URL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_FUNCTIONS_PORT: '0', FNGRAPH_FUNCTIONS_URL: 'https://fn.example.test/' });
  });
  afterAll(() => server?.close());

  it('is the base of the endpoints', async () => {
    const registered = await register(server.url, 'hostile-page', HOSTILE_PAGE);
    expect(registered.endpoints.http).toBe('https://fn.example.test/fn/hostile-page');
  });
});

describe('the functions listener', () => {
  let server: TestServer;
  let functionsUrl: string;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const port = await freePort();
    functionsUrl = `http://127.0.0.1:${port}`;
    server = await startTestServer(
      { FNGRAPH_FUNCTIONS_PORT: String(port), FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '3', FNGRAPH_LOG_LEVEL: 'debug' },
      {
        logStream: {
          write: (chunk: string) =>
            void lines.push(
              ...chunk
                .split('\n')
                .filter((line) => line !== '')
                .map((line) => JSON.parse(line)),
            ),
        },
      },
    );
    await register(server.url, 'hostile-page', HOSTILE_PAGE);
  });
  afterAll(() => server?.close());

  it('applies the same rate limits as the API port, and logs each request', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${functionsUrl}/fn/hostile-page`, { headers: { 'x-request-id': `functions-port-${i}` } });
      statuses.push(response.status);
      if (response.status === 429) expect((await response.json()).error.code).toBe('RATE_LIMITED');
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const logged = lines.filter((line) => line.msg === 'request completed' && String(line.requestId).startsWith('functions-port-'));
    expect(logged.map((line) => [line.requestId, line.path, line.status])).toEqual(
      statuses.map((status, i) => [`functions-port-${i}`, '/fn/hostile-page', status]),
    );
  });

  it('refuses new calls once the node drains, like the API port', async () => {
    await server.app.get(InvocationDrain).drain();
    const refused = await fetch(`${functionsUrl}/fn/hostile-page`, { headers: authHeaders(server.url) });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
