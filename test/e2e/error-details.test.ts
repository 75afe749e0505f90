import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../support/credentials.js';
import { graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { pythonDocument, register, registerRest } from '../support/functions.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** What a function's exception must not tell a caller who may not read its code. */
const SECRET = 'secret detail';

const NODE_THROWS = `
function connect(password) {
  throw new Error('${SECRET}: password ' + password + ' refused');
}
export default async () => connect('hunter2');`;

/** A source line of its own, which a traceback quotes. */
const PYTHON_SOURCE_LINE = 'raise ValueError("secret detail from " + str(table_name_in_source))';
const PYTHON_RAISES = `
table_name_in_source = "payroll"

def handler(event, context):
    ${PYTHON_SOURCE_LINE}
`;

const INVOCATION = 'query($id: ID!) { invocation(id: $id) { id status error { type message stack } } }';
const INVOKE = 'mutation($name: String!) { invokeFunction(input: { name: $name }) { id status error { type message stack } } }';

/** Nothing of the exception: neither its text, nor the code it quotes, nor a stack. */
function expectNoDetails(seen: unknown): void {
  const text = JSON.stringify(seen);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('table_name_in_source');
  expect(text).not.toContain('payroll');
  expect(text).not.toContain('Traceback');
  expect(text).not.toContain('handler.py');
  expect(text).not.toContain('index.js');
}

describe("a function's exception, seen by its callers", () => {
  let server: TestServer;
  let owner: string;
  let invoker: string;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createKey(server.url, 'olga', ['developer']);
    // May invoke the public functions, may not read their code.
    invoker = await createKey(server.url, 'ivan', ['invoker']);
    await register(server.url, 'throws-node', NODE_THROWS, {}, owner);
    const python = await registerRest(server.url, pythonDocument('throws-python', PYTHON_RAISES, { executionConfig: { retry: { attempts: 1 } } }), owner);
    expect(python.status).toBe(201);
  });
  afterAll(() => server?.close());

  it('gives an anonymous caller of a public Node function a generic 502 naming the invocation, and the owner the details', async () => {
    const response = await fetch(`${server.url}/fn/throws-node`);
    expect(response.status).toBe(502);
    const body = await response.json();
    const invocationId = response.headers.get('x-fngraph-invocation-id');
    expect(body.invocationId).toBe(invocationId);
    expect(body.error.code).toBe('FUNCTION_FAILED');
    expect(body.error.message).toBe(`The function failed (invocation ${invocationId})`);
    expectNoDetails(body);

    const { invocation } = await graphqlData(server.url, INVOCATION, { id: invocationId }, owner);
    expect(invocation.error.type).toBe('Error');
    expect(invocation.error.message).toBe(`${SECRET}: password hunter2 refused`);
    expect(invocation.error.stack).toContain('at connect');
  });

  it('gives a Python traceback (with its source lines) to the owner only', async () => {
    const response = await fetch(`${server.url}/fn/throws-python`);
    expect(response.status).toBe(502);
    const body = await response.json();
    expectNoDetails(body);
    expect(body.error.message).toContain(body.invocationId);

    const { invocation } = await graphqlData(server.url, INVOCATION, { id: body.invocationId }, owner);
    expect(invocation.error).toMatchObject({ type: 'ValueError', message: 'secret detail from payroll' });
    expect(invocation.error.stack).toContain(PYTHON_SOURCE_LINE);
  });

  it('keeps the details from a caller who may invoke but not read the code: REST, invokeFunction, invocation, async', async () => {
    const rest = await fetch(`${server.url}/fn/throws-python`, { headers: authHeaders(server.url, invoker) });
    expect(rest.status).toBe(502);
    const restBody = await rest.json();
    expectNoDetails(restBody);
    expect(restBody.error.message).toContain(restBody.invocationId);

    const { invokeFunction } = await graphqlData(server.url, INVOKE, { name: 'throws-node' }, invoker);
    expect(invokeFunction.status).toBe('FAILED');
    expect(invokeFunction.error.message).toBe(`The function failed (invocation ${invokeFunction.id})`);
    expect(invokeFunction.error.stack).toBeNull();
    expectNoDetails(invokeFunction);

    // Their own invocations, read back over GraphQL and REST.
    for (const id of [restBody.invocationId, invokeFunction.id]) {
      const { invocation } = await graphqlData(server.url, INVOCATION, { id }, invoker);
      expect(invocation.status).toBe('FAILED');
      expect(invocation.error.message).toContain(id);
      expectNoDetails(invocation);
      const record = await fetch(`${server.url}/invocations/${id}`, { headers: authHeaders(server.url, invoker) });
      expect(record.status).toBe(200);
      const recordBody = await record.json();
      expect(recordBody.error.message).toContain(id);
      expectNoDetails(recordBody);
    }

    // Queued: followed through Location.
    const queued = await fetch(`${server.url}/fn/throws-python`, { method: 'POST', headers: { prefer: 'respond-async', ...authHeaders(server.url, invoker) } });
    expect(queued.status).toBe(202);
    const location = queued.headers.get('location') as string;
    let finished: { status: string; error: unknown } | undefined;
    while (!finished || finished.status === 'QUEUED' || finished.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      finished = await (await fetch(new URL(location, server.url), { headers: authHeaders(server.url, invoker) })).json();
    }
    expect(finished.status).toMatch(/FAILED|DEAD_LETTERED/);
    expectNoDetails(finished);

    // The owner and an admin read the same invocation whole.
    for (const as of [owner, undefined]) {
      const { invocation } = await graphqlData(server.url, INVOCATION, { id: invokeFunction.id }, as);
      expect(invocation.error.message).toContain(SECRET);
      expect(invocation.error.stack).toContain('at connect');
      const record = await (await fetch(`${server.url}/invocations/${restBody.invocationId}`, { headers: authHeaders(server.url, as) })).json();
      expect(record.error.stack).toContain(PYTHON_SOURCE_LINE);
    }
  });

  it('applies the same to invocationUpdated (graphql-ws)', async () => {
    const { invokeFunction } = await graphqlData(server.url, INVOKE, { name: 'throws-node' }, invoker);
    const query = 'subscription($id: ID) { invocationUpdated(invocationId: $id) { id status error { type message stack } } }';
    const seen = async (as: string) => {
      const client = wsClient(server.url, {}, as);
      try {
        return await subscribe<{ invocationUpdated: unknown }>(client, query, { id: invokeFunction.id }).done;
      } finally {
        await client.dispose();
      }
    };
    const byInvoker = await seen(invoker);
    expect(byInvoker.at(-1)).toMatchObject({ invocationUpdated: { status: 'FAILED', error: { type: 'FunctionError', stack: null } } });
    expectNoDetails(byInvoker);
    expect(JSON.stringify(await seen(owner))).toContain(SECRET);
  });

  it('answers the owner calling over HTTP with the details (the caller may read the code)', async () => {
    const response = await fetch(`${server.url}/fn/throws-node`, { headers: authHeaders(server.url, owner) });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'FUNCTION_FAILED', type: 'Error', message: `${SECRET}: password hunter2 refused` });
  });

  it('keeps platform outcomes as they were for everyone (a timeout says so)', async () => {
    await register(server.url, 'too-slow', 'export default () => new Promise(() => {});', { executionConfig: { timeout: 1 } }, owner);
    const response = await fetch(`${server.url}/fn/too-slow`);
    expect(response.status).toBe(504);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'FUNCTION_TIMED_OUT', type: 'Timeout' });
    expect(body.error.message).toContain(body.invocationId);
  });
});
