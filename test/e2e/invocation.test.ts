import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { authHeaders } from '../support/credentials.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ECHO = `
export default async (event, context) => {
  console.log('invoked', event.method, event.path);
  console.error('to stderr');
  return { event, context };
};`;

const HTTP_RESULT = `
export default async (event) => ({
  statusCode: 201,
  headers: { 'x-answer': '42', 'content-type': 'text/plain', connection: 'close' },
  body: 'created ' + event.method,
});`;

describe('invocation', () => {
  let server: TestServer;
  let echoId: string;
  beforeAll(async () => {
    server = await startTestServer({ PLATFORM_SECRET: 'must-not-leak' });
    process.env.PLATFORM_SECRET_FOR_TEST = 'must-not-leak-either';
    echoId = (await register(server.url, 'echo', ECHO)).id;
  });
  afterAll(() => server.close());

  it('invokes over POST /execute/:id and records the invocation with its logs', async () => {
    const response = await fetch(`${server.url}/execute/${echoId}/some/path?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token', 'x-custom': 'yes' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(200);
    const invocationId = response.headers.get('x-fngraph-invocation-id');
    const { event, context } = await response.json();
    expect(event).toMatchObject({
      method: 'POST',
      path: '/some/path',
      query: { a: ['1', '2'], b: 'x' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
    });
    expect(event.headers['x-custom']).toBe('yes');
    expect(event.headers).not.toHaveProperty('connection');
    expect(context).toMatchObject({ invocationId, functionName: 'echo', version: '1.0.0' });
    expect(context.deadlineMs).toBeGreaterThan(Date.now());

    const { invocation } = await graphqlData(
      server.url,
      `query($id: ID!) { invocation(id: $id) {
        status trigger durationMs coldStart queuedAt startedAt finishedAt version nodeId
        request { method path headers }
        logs { seq stream message } logsTruncated
      } }`,
      { id: invocationId },
    );
    expect(invocation).toMatchObject({ status: 'SUCCEEDED', trigger: 'HTTP', version: '1.0.0', logsTruncated: false });
    // The node that ran it, as the node names itself.
    const live = (await (await fetch(`${server.url}/health/live`)).json()) as { node: string };
    expect(invocation.nodeId).toBe(live.node);
    expect(invocation.durationMs).toBeGreaterThan(0);
    expect(typeof invocation.coldStart).toBe('boolean');
    expect(invocation.logs).toEqual([
      { seq: 1, stream: 'STDOUT', message: 'invoked POST /some/path' },
      { seq: 2, stream: 'STDERR', message: 'to stderr' },
    ]);
    expect(invocation.request.headers.authorization).toBe('[redacted]');
  });

  it('answers every HTTP method and passes binary bodies base64-encoded', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const response = await fetch(`${server.url}/execute/${echoId}`, { method });
      expect(response.status).toBe(200);
      expect((await response.json()).event.method).toBe(method);
    }
    const head = await fetch(`${server.url}/execute/${echoId}`, { method: 'HEAD' });
    expect(head.status).toBe(200);

    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    const binary = await fetch(`${server.url}/fn/echo`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const { event } = await binary.json();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64')).toEqual(bytes);
  });

  it('turns a {statusCode, headers, body} result into the HTTP response', async () => {
    await register(server.url, 'http-result', HTTP_RESULT);
    const response = await fetch(`${server.url}/fn/http-result`, { method: 'PUT' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('42');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('created PUT');
  });

  it('invokes over GraphQL with a JSON payload', async () => {
    const { invokeFunction } = await graphqlData(
      server.url,
      'mutation { invokeFunction(input: { name: "echo", payload: { n: 1, list: [1, 2] } }) { status trigger response logs { message } } }',
    );
    expect(invokeFunction.status).toBe('SUCCEEDED');
    expect(invokeFunction.trigger).toBe('GRAPHQL');
    expect(JSON.parse(invokeFunction.response.event.body)).toEqual({ n: 1, list: [1, 2] });
  });

  it('gives the function its own variables and none of the platform environment', async () => {
    await register(server.url, 'env-check', 'export default async () => ({ env: { ...process.env } })', {
      executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: { API_URL: 'https://example.test', MODE: 'demo' } },
    });
    const { env } = await (await fetch(`${server.url}/fn/env-check`)).json();
    expect(env).toEqual({ API_URL: 'https://example.test', MODE: 'demo' });
  });

  it('ends an infinite loop as TIMED_OUT and serves the next invocation', async () => {
    await register(server.url, 'spin', 'export default async (event) => { if (event.body === "loop") { for (;;) {} } return "fine"; }', {
      executionConfig: { timeout: 1, memoryLimit: 128, environmentVariables: {} },
    });
    const looping = await fetch(`${server.url}/fn/spin`, { method: 'POST', body: 'loop', headers: { 'content-type': 'text/plain' } });
    expect(looping.status).toBe(504);
    const body = await looping.json();
    expect(body.error.code).toBe('FUNCTION_TIMED_OUT');
    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status error { type } } }', { id: body.invocationId });
    expect(invocation).toEqual({ status: 'TIMED_OUT', error: { type: 'Timeout' } });

    const next = await fetch(`${server.url}/fn/spin`);
    expect(next.status).toBe(200);
    expect(await next.text()).toBe('fine');
  });

  it('reports a thrown error as FAILED with 502 and keeps serving', async () => {
    await register(server.url, 'thrower', 'export default async () => { throw new TypeError("bad thing") }');
    // As the admin: callers who may not read the code get a generic error (error-details.test.ts).
    const response = await fetch(`${server.url}/fn/thrower`, { headers: authHeaders(server.url) });
    expect(response.status).toBe(502);
    expect((await response.json()).error).toMatchObject({ code: 'FUNCTION_FAILED', type: 'TypeError', message: 'bad thing' });
  });

  it('returns 404 with a JSON body for unknown functions and versions', async () => {
    for (const path of ['/fn/nope', '/fn/echo@9.9.9', '/execute/00000000-0000-0000-0000-000000000000']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('NOT_FOUND');
    }
  });

  it('runs an async invocation in the background', async () => {
    const { invokeFunction } = await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "echo", async: true }) { id status trigger } }');
    expect(invokeFunction).toMatchObject({ status: 'QUEUED', trigger: 'ASYNC' });
    let status = 'QUEUED';
    for (let i = 0; i < 100 && !['SUCCEEDED', 'FAILED'].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status } }', { id: invokeFunction.id })).invocation.status;
    }
    expect(status).toBe('SUCCEEDED');
  });
});
