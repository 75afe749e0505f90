import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from '../support/graphql-client.js';
import { pythonDocument, registerDocument, registerRest } from '../support/functions.js';
import { authHeaders } from '../support/credentials.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ECHO = `
import logging

logger = logging.getLogger("echo")
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

def handler(event, context):
    print("first", event["method"])
    print("second", "line", sep="-")
    logger.info("through logging")
    print("to stderr", file=__import__("sys").stderr)
    return {"event": event, "context": context}
`;

const FAILING = `
def parse(text):
    return int(text)

def handler(event, context):
    return parse("not a number")
`;

const ASYNC = `
import asyncio

async def fetch(n):
    await asyncio.sleep(0.01)
    return n * 2

async def handler(event, context):
    results = await asyncio.gather(fetch(1), fetch(2), fetch(3))
    print("gathered", results)
    return {"results": results}
`;

const HTTP_RESULT = `
def handler(event, context):
    return {
        "statusCode": 201,
        "headers": {"x-answer": "42", "content-type": "text/plain"},
        "body": "created " + event["method"],
    }
`;

describe('Python functions (process executor)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PLATFORM_SECRET: 'must-not-leak' });
    process.env.PLATFORM_SECRET_FOR_PYTHON_TEST = 'must-not-leak-either';
  });
  afterAll(async () => {
    delete process.env.PLATFORM_SECRET_FOR_PYTHON_TEST;
    await server.close();
  });

  it('registers, answers over /fn/:name, and turns print and logging lines into ordered logs', async () => {
    const registered = await registerDocument(server.url, pythonDocument('py-echo', ECHO));
    expect(registered).toMatchObject({ language: 'python', runtime: 'python3.11', buildStatus: 'READY' });

    const response = await fetch(`${server.url}/fn/py-echo/some/path?a=1`, { method: 'POST', body: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(200);
    const invocationId = response.headers.get('x-fngraph-invocation-id');
    const { event, context } = await response.json();
    expect(event).toMatchObject({ method: 'POST', path: '/some/path', query: { a: '1' }, body: 'hi', isBase64Encoded: false });
    expect(context).toMatchObject({ invocationId, functionName: 'py-echo', version: '1.0.0' });
    expect(Object.keys(context).sort()).toEqual(['deadlineMs', 'functionName', 'invocationId', 'traceId', 'traceparent', 'version']);

    const { invocation } = await graphqlData(
      server.url,
      'query($id: ID!) { invocation(id: $id) { status cpuTimeMs memoryPeakBytes logs { seq stream message } } }',
      { id: invocationId },
    );
    expect(invocation.status).toBe('SUCCEEDED');
    expect(invocation.logs).toEqual([
      { seq: 1, stream: 'STDOUT', message: 'first POST' },
      { seq: 2, stream: 'STDOUT', message: 'second-line' },
      { seq: 3, stream: 'STDERR', message: 'INFO echo: through logging' },
      { seq: 4, stream: 'STDERR', message: 'to stderr' },
    ]);
    expect(invocation.cpuTimeMs).toBeGreaterThanOrEqual(0);
    expect(invocation.memoryPeakBytes).toBeGreaterThan(0);
  });

  it('reports an exception as FAILED with the Python traceback, and keeps serving', async () => {
    await registerDocument(server.url, pythonDocument('py-failing', FAILING));
    // As the admin: callers who may not read the code get a generic error (error-details.test.ts).
    const response = await fetch(`${server.url}/fn/py-failing`, { headers: authHeaders(server.url) });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'FUNCTION_FAILED', type: 'ValueError' });
    expect(body.error.message).toContain("invalid literal for int() with base 10: 'not a number'");

    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status error { type message stack } } }', {
      id: body.invocationId,
    });
    expect(invocation.status).toBe('FAILED');
    const stack: string = invocation.error.stack;
    expect(stack).toMatch(/^Traceback \(most recent call last\):/);
    expect(stack).toContain('File "/function/handler.py", line 6, in handler');
    expect(stack).toContain('File "/function/handler.py", line 3, in parse');
    expect(stack).toContain('return int(text)');
    expect(stack).not.toContain('shim.py');
    expect(stack.trim().split('\n').at(-1)).toBe("ValueError: invalid literal for int() with base 10: 'not a number'");

    expect((await fetch(`${server.url}/fn/py-failing`)).status).toBe(502);
  });

  it('runs async def handlers', async () => {
    await registerDocument(server.url, pythonDocument('py-async', ASYNC));
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/fn/py-async`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ results: [2, 4, 6] });
    }
  });

  it('turns a {statusCode, headers, body} result into the HTTP response', async () => {
    await registerDocument(server.url, pythonDocument('py-http', HTTP_RESULT));
    const response = await fetch(`${server.url}/fn/py-http`, { method: 'PUT' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('42');
    expect(await response.text()).toBe('created PUT');
  });

  it('gives the function its own variables in os.environ and none of the platform environment', async () => {
    await registerDocument(
      server.url,
      pythonDocument('py-env', 'import os\ndef handler(event, context):\n    return dict(os.environ)\n', {
        executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: { API_URL: 'https://example.test', MODE: 'demo' } },
      }),
    );
    expect(await (await fetch(`${server.url}/fn/py-env`)).json()).toEqual({ API_URL: 'https://example.test', MODE: 'demo' });
  });

  it('reports a result that is not JSON-serialisable as a clear failure', async () => {
    await registerDocument(server.url, pythonDocument('py-set', 'def handler(event, context):\n    return {"ids": {1, 2}}\n'));
    const response = await fetch(`${server.url}/fn/py-set`, { headers: authHeaders(server.url) });
    expect(response.status).toBe(502);
    expect((await response.json()).error.message).toMatch(/not JSON-serialisable: Object of type set is not JSON serializable/);
    expect((await fetch(`${server.url}/fn/py-set`)).status).toBe(502);
  });

  it('ends an infinite loop as TIMED_OUT and serves the next invocation', async () => {
    await registerDocument(
      server.url,
      pythonDocument('py-spin', 'def handler(event, context):\n    while event["body"] == "loop":\n        pass\n    return "fine"\n', {
        executionConfig: { timeout: 1, memoryLimit: 128, environmentVariables: {} },
      }),
    );
    const looping = await fetch(`${server.url}/fn/py-spin`, { method: 'POST', body: 'loop', headers: { 'content-type': 'text/plain' } });
    expect(looping.status).toBe(504);
    expect((await looping.json()).error.code).toBe('FUNCTION_TIMED_OUT');
    const next = await fetch(`${server.url}/fn/py-spin`, { method: 'POST', body: 'go', headers: { 'content-type': 'text/plain' } });
    expect(next.status).toBe(200);
    expect(await next.text()).toBe('fine');
  });

  it('rejects a syntax error at registration with handler.py:line:column', async () => {
    const { status, body } = await registerRest(server.url, pythonDocument('py-syntax', 'def handler(event, context):\n    return (1 +\n'));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toMatch(/^The python code does not compile: handler\.py:2:12: '\(' was never closed$/);
    expect(body.error.details).toEqual([{ field: 'code', message: "handler.py:2:12: '(' was never closed" }]);

    const indentation = await registerRest(server.url, pythonDocument('py-indent', 'def handler(event, context):\nreturn 1\n'));
    expect(indentation.status).toBe(400);
    expect(indentation.body.error.message).toMatch(/handler\.py:2:1: expected an indented block/);
    expect((await graphqlData(server.url, '{ functions(first: 100) { nodes { name } } }')).functions.nodes.map((f: { name: string }) => f.name)).not.toContain(
      'py-syntax',
    );
  });

  it('rejects a module without a top-level handler, and accepts one bound conditionally', async () => {
    const { status, body } = await registerRest(server.url, pythonDocument('py-nohandler', 'def main(event, context):\n    return 1\n'));
    expect(status).toBe(400);
    expect(body.error.message).toBe('handler.py must define a top-level function handler(event, context)');

    await registerDocument(
      server.url,
      pythonDocument('py-conditional', 'try:\n    import json as _json\n    handler = lambda event, context: "lambda"\nexcept ImportError:\n    pass\n'),
    );
    expect(await (await fetch(`${server.url}/fn/py-conditional`)).text()).toBe('lambda');
  });

  it('reports a failure while importing the module as FAILED with its traceback', async () => {
    await registerDocument(server.url, pythonDocument('py-import-error', 'import no_such_module_here\ndef handler(event, context):\n    return 1\n'));
    const response = await fetch(`${server.url}/fn/py-import-error`, { headers: authHeaders(server.url) });
    expect(response.status).toBe(502);
    const { error } = await response.json();
    expect(error).toMatchObject({ type: 'ModuleNotFoundError', message: "No module named 'no_such_module_here'" });
  });
});
