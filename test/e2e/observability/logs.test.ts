import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { graphql, graphqlData } from '../../support/graphql-client.js';
import { adminKeyFor } from '../../support/credentials.js';
import { functionDocument, register } from '../../support/functions.js';
import { scrape } from '../../support/prometheus.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/** Values that must never reach a log line, each unique to this run. */
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');
const ENV_SECRET = secret('env-value');
const UPDATED_ENV_SECRET = secret('updated-env-value');
const GRAPHQL_ENV_SECRET = secret('graphql-env-value');
const COOKIE = secret('session-cookie');
const QUERY_SECRET = secret('query-credential');
const BODY_SECRET = secret('request-body');
const CODE_MARKER = secret('code-marker');

/** Prints its secret, returns it, and fails with it when asked: all of it is the function's business, not the platform log's. */
const LEAKY = `
const marker = ${JSON.stringify(CODE_MARKER)};
export default async (event) => {
  console.log('my secret is ' + process.env.SECRET_TOKEN);
  console.error('stderr secret ' + process.env.SECRET_TOKEN);
  if (event.body === 'fail') throw new Error('failing with ' + process.env.SECRET_TOKEN + ' ' + marker);
  return { secret: process.env.SECRET_TOKEN, marker };
};`;

describe('structured logs', () => {
  const lines: string[] = [];
  let server: TestServer;
  let functionId: string;

  beforeAll(async () => {
    const stream = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter((l) => l !== '')) };
    // Stands in for the authentication layer: the caller is whoever this header names.
    const principalOf = (req: { headers: Record<string, unknown> }) => {
      const who = req.headers['x-test-principal'];
      return typeof who === 'string' ? who : undefined;
    };
    server = await startTestServer({ FNGRAPH_LOG_LEVEL: 'trace', FNGRAPH_MASTER_KEY: MASTER_KEY }, { logStream: stream, principalOf });

    const env = (value: string) => ({ executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: { SECRET_TOKEN: value } } });
    // Registration over REST and over GraphQL (code and environment in the variables).
    functionId = (await register(server.url, 'leaky', LEAKY, env(ENV_SECRET))).id;
    await graphqlData(server.url, 'mutation Register($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: functionDocument('leaky-gql', LEAKY, env(GRAPHQL_ENV_SECRET)),
    });
    await graphqlData(
      server.url,
      'mutation Update($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { version } } }',
      {
        id: functionId,
        input: { executionConfig: { environmentVariables: { SECRET_TOKEN: UPDATED_ENV_SECRET } } },
      },
    );
    // A rejected registration echoes nothing of its input into the logs either.
    await graphql(server.url, 'mutation Register($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
      input: { ...functionDocument('Bad Name', LEAKY, env(ENV_SECRET)) },
    });
    // Invocations with credentials in every place a request can carry them.
    // The server's real admin API key: a credential that must never be logged either.
    const headers = { authorization: `Bearer ${adminKeyFor(server.url)}`, cookie: `session=${COOKIE}`, 'content-type': 'text/plain' };
    expect((await fetch(`${server.url}/fn/leaky?api_key=${QUERY_SECRET}`, { method: 'POST', headers, body: BODY_SECRET })).status).toBe(200);
    expect((await fetch(`${server.url}/fn/leaky`, { method: 'POST', headers, body: 'fail' })).status).toBe(502);
    await graphqlData(server.url, 'mutation { invokeFunction(input: { name: "leaky-gql", payload: { x: 1 } }) { id } }');
  }, 60_000);

  afterAll(() => server?.close());

  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  /** The request line is written when the response has been handed over, possibly just after the client has it. */
  const requestLine = (match: (entry: Record<string, unknown>) => boolean) => eventually(() => parsed().find((e) => e.msg === 'request completed' && match(e)));

  it('writes one JSON object per line, with level, time, message and node', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(typeof entry.level).toBe('string');
      expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
      expect(typeof entry.msg).toBe('string');
      expect(entry.service).toBe('fngraph');
      expect(typeof entry.node).toBe('string');
    }
  });

  it('gives every request line a request id and a trace id; invocation lines name the function and invocation', () => {
    const requests = parsed().filter((e) => e.msg === 'request completed');
    expect(requests.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(
      expect.arrayContaining(['POST /functions/register 201', 'POST /graphql 200', 'POST /fn/leaky 200', 'POST /fn/leaky 502']),
    );
    for (const entry of requests) {
      expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof entry.durationMs).toBe('number');
    }
    expect(new Set(requests.map((e) => e.requestId)).size).toBe(requests.length);
    const invocations = requests.filter((e) => e.path === '/fn/leaky');
    for (const entry of invocations) {
      expect(entry).toMatchObject({ function: 'leaky', invocationId: expect.any(String) });
    }
    const gqlInvoke = requests.find((e) => e.function === 'leaky-gql');
    expect(gqlInvoke).toMatchObject({ path: '/graphql', operation: 'anonymous' });
  });

  it('names the principal the authentication layer resolved', async () => {
    await fetch(`${server.url}/fn/leaky`, { method: 'POST', body: 'x', headers: { 'x-test-principal': 'user:alice', 'x-request-id': 'with-principal' } });
    const line = await requestLine((e) => e.requestId === 'with-principal');
    expect(line).toMatchObject({ principal: 'user:alice', function: 'leaky' });
    expect(parsed().find((e) => e.msg === 'request completed' && e.path === '/functions/register')).not.toHaveProperty('principal');
  });

  it('uses the same trace id in the log line, the stored invocation and the function context', async () => {
    const response = await fetch(`${server.url}/fn/leaky`, { method: 'POST', body: 'x', headers: { 'x-request-id': 'caller-chosen-id-1' } });
    expect(response.headers.get('x-request-id')).toBe('caller-chosen-id-1');
    const invocationId = response.headers.get('x-fngraph-invocation-id');
    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { traceId } }', { id: invocationId });
    const line = await requestLine((e) => e.invocationId === invocationId);
    expect(line).toMatchObject({ requestId: 'caller-chosen-id-1', traceId: invocation.traceId });
  });

  it('never logs a secret, a credential or function code', () => {
    const everything = lines.join('\n');
    const base64Code = Buffer.from(LEAKY).toString('base64');
    const forbidden = {
      MASTER_KEY,
      ENV_SECRET,
      UPDATED_ENV_SECRET,
      GRAPHQL_ENV_SECRET,
      adminKey: adminKeyFor(server.url) as string,
      COOKIE,
      QUERY_SECRET,
      BODY_SECRET,
      CODE_MARKER,
      code: 'process.env.SECRET_TOKEN',
      base64Code: base64Code.slice(0, 40),
    };
    for (const [name, value] of Object.entries(forbidden)) expect(everything.includes(value), `${name} appears in the logs`).toBe(false);
    // The values were really used: the function saw and printed its secret (into its own invocation log).
    expect(ENV_SECRET).not.toBe(UPDATED_ENV_SECRET);
  });

  it('logs an unexpected error once, with its stack and request context, and keeps it for admins', async () => {
    const repository = server.app.get(InvocationRepository as never) as InvocationRepository;
    const original = repository.list;
    repository.list = async () => {
      throw new TypeError('storage exploded');
    };
    try {
      const result = await graphql(server.url, 'query Listing { invocations(first: 1) { nodes { id } } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(result.errors?.[0]?.message).toBe('Internal server error');
    } finally {
      repository.list = original;
    }
    const errors = parsed().filter((e) => e.level === 'error' && String(e.msg).includes('storage exploded'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ unexpected: true, errorSource: 'graphql', where: 'invocations', operation: 'Listing', requestId: expect.any(String) });
    expect((errors[0]!.err as { stack: string }).stack).toContain('TypeError: storage exploded');

    const { platformErrors } = await graphqlData(server.url, '{ platformErrors { total node errors { source type message where requestId stack } } }');
    expect(platformErrors.total).toBe(1);
    expect(platformErrors.errors[0]).toMatchObject({
      source: 'graphql',
      type: 'TypeError',
      message: 'storage exploded',
      where: 'invocations',
      requestId: errors[0]!.requestId,
    });
    expect(platformErrors.errors[0].stack[0]).toBe('TypeError: storage exploded');
    const ready = await (await fetch(`${server.url}/health/ready`)).json();
    expect(ready.platformErrors).toMatchObject({ total: 1, last: { source: 'graphql', type: 'TypeError', message: 'storage exploded' } });
    // A platform error is not a function error, and the other way round.
    const metrics = (await scrape(server.url)).text;
    expect(metrics).toContain('fngraph_platform_errors_total{source="graphql"} 1');
    expect(metrics).toContain('fngraph_function_errors_total{function="leaky"} 1');
  });
});

describe('request context in every line (FNGRAPH_LOG_REQUEST_CONTEXT)', () => {
  it('gives the lines services write while serving a request that request’s id', async () => {
    const lines: string[] = [];
    const server = await startTestServer(
      { FNGRAPH_LOG_LEVEL: 'info', FNGRAPH_LOG_REQUEST_CONTEXT: 'true' },
      { logStream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter((l) => l !== '')) } },
    );
    try {
      const repository = server.app.get(FunctionRepository as never) as FunctionRepository;
      const original = repository.findByName.bind(repository);
      repository.findByName = async (name: string) => {
        new Logger('Probe').warn(`looking up ${name}`);
        return original(name);
      };
      const response = await fetch(`${server.url}/fn/not-there`, { headers: { 'x-request-id': 'ctx-probe-1' } });
      expect(response.status).toBe(404);
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requestLine = await eventually(() =>
        lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === 'request completed' && e.requestId === 'ctx-probe-1'),
      );
      expect(entries.find((e) => e.context === 'Probe')).toMatchObject({ msg: 'looking up not-there', requestId: 'ctx-probe-1', traceId: expect.any(String) });
      expect(requestLine).toMatchObject({ status: 404, path: '/fn/not-there' });
    } finally {
      await server.close();
    }
  });
});

/** Polls `find` until it returns something (10 s at most). */
async function eventually<T>(find: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('not found in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
