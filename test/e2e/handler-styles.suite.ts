import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorKind } from '@/kernel/config/app-config.js';
import { authHeaders } from '../support/credentials.js';
import { functionDocument, pythonDocument, registerRest } from '../support/functions.js';
import { graphqlData } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { freePort } from '../support/throwaway-services.js';

/** A public sample handler (test/fixtures/samples/<kind>/<file>), as its source says it was written. */
function sample(path: string): string {
  return readFileSync(new URL(`../fixtures/samples/${path}`, import.meta.url), 'utf8');
}

/**
 * Handlers written like the public samples of Lambda, SAM, Cloud Functions, Workers, OpenFaaS
 * and Netlify, registered unmodified: only registration fields (`eventFormat`, `handler`) are
 * added. A response the function streams reaches the client while it still runs.
 */
export function handlerStylesSuite(kind: ExecutorKind, env: Record<string, string> = {}): void {
  describe(`handler styles (${kind} executor)`, () => {
    let server: TestServer;
    /** The functions' own origin (FNGRAPH_FUNCTIONS_PORT), where cookies a function sets go out. */
    let functionsUrl: string;
    beforeAll(async () => {
      const port = await freePort();
      functionsUrl = `http://127.0.0.1:${port}`;
      server = await startTestServer({ FNGRAPH_EXECUTOR: kind, FNGRAPH_FUNCTIONS_PORT: String(port), ...env });
    });
    afterAll(async () => {
      await server?.close();
    });

    /** Registers a sample, unmodified but for the registration fields, and expects it READY. */
    async function deploy(document: Record<string, unknown>): Promise<void> {
      const { status, body } = await registerRest(server.url, document);
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.buildStatus).toBe('READY');
    }
    const js = (name: string, source: string, executionConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
      functionDocument(name, source, { executionConfig, ...extra });
    const py = (name: string, source: string, executionConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
      pythonDocument(name, source, { executionConfig, ...extra });

    it('Lambda, callback style behind a REST API (aws-apigw-v1): the event, the context, a "201" status, multiValueHeaders', async () => {
      await deploy(js('lambda-callback', sample('lambda/callback.js'), { eventFormat: 'aws-apigw-v1' }));
      const response = await fetch(`${server.url}/fn/lambda-callback/items/7?name=Ada&tag=a&tag=b`);
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-method')).toBe('GET');
      // Cookies are the functions' origin's business: on the API's origin they are dropped (issue 11).
      expect(response.headers.getSetCookie()).toEqual([]);
      const body = await response.json();
      const invocationId = response.headers.get('x-fngraph-invocation-id');
      expect(body).toEqual({
        message: 'Hello, Ada',
        resource: '/{proxy+}',
        path: '/items/7',
        requestId: invocationId,
        awsRequestId: invocationId,
        functionName: 'lambda-callback',
        remaining: true,
        waits: true,
        multi: { name: ['Ada'], tag: ['a', 'b'] },
      });
      const onFunctionsOrigin = await fetch(`${functionsUrl}/fn/lambda-callback`);
      expect(onFunctionsOrigin.status).toBe(201);
      expect(onFunctionsOrigin.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    });

    it('SAM hello world (export const lambdaHandler, handler "app.lambdaHandler")', async () => {
      await deploy(js('sam-hello', sample('sam/app.mjs'), { eventFormat: 'aws-apigw-v1' }, { handler: 'app.lambdaHandler' }));
      const response = await fetch(`${server.url}/fn/sam-hello/hello`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ message: 'hello world' });
    });

    it('Lambda function URL (aws-apigw-v2): payload 2.0, cookies out, and a plain object as a JSON 200', async () => {
      await deploy(js('lambda-url', sample('lambda/url.mjs'), { eventFormat: 'aws-apigw-v2' }));
      const response = await fetch(`${server.url}/fn/lambda-url/path/x?b=2&a=1&a=3`, {
        method: 'POST',
        headers: { cookie: 'c1=v1; c2=v2', 'content-type': 'text/plain', 'user-agent': 'styles-test' },
        body: 'payload',
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/path/x',
        rawQueryString: 'b=2&a=1&a=3',
        cookies: ['c1=v1', 'c2=v2'],
        query: { a: '1,3', b: '2' },
        method: 'POST',
        sourceIp: '127.0.0.1',
        userAgent: 'styles-test',
        timeEpoch: 'number',
        body: 'payload',
      });
      expect((await fetch(`${functionsUrl}/fn/lambda-url`)).headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
      const plain = await fetch(`${server.url}/fn/lambda-url/plain`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('application/json');
      expect(await plain.json()).toEqual({ message: 'plain object', method: 'GET' });
    });

    it('Lambda in Python (aws-apigw-v2): context.aws_request_id and get_remaining_time_in_millis()', async () => {
      await deploy(py('lambda-py', sample('lambda/lambda_function.py'), { eventFormat: 'aws-apigw-v2' }));
      const response = await fetch(`${server.url}/fn/lambda-py?q=1`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        method: 'GET',
        query: { q: '1' },
        request_id: response.headers.get('x-fngraph-invocation-id'),
        function_name: 'lambda-py',
        remaining: true,
      });
    });

    it('a payload 1.0 result without statusCode is a malformed proxy response (502)', async () => {
      await deploy(js('lambda-malformed', 'exports.handler = async () => ({ message: "no status" });', { eventFormat: 'aws-apigw-v1' }));
      // As its owner sees it (an anonymous caller gets a generic error).
      const response = await fetch(`${server.url}/fn/lambda-malformed`, { headers: authHeaders(server.url) });
      expect(response.status).toBe(502);
      expect((await response.json()).error).toMatchObject({ code: 'FUNCTION_FAILED', type: 'MalformedLambdaResponse' });
    });

    it('Cloud Functions hello world: functions.http(name, (req, res) => res.send(...)) without the framework installed', async () => {
      await deploy(js('gcf-hello', sample('gcf/index.js')));
      const response = await fetch(`${server.url}/fn/gcf-hello`);
      expect(response.status).toBe(200);
      // Express' send of a string is HTML; the API's origin sandboxes it (issue 11).
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain('sandbox');
      expect(await response.text()).toBe('Hello World!');
    });

    it('Cloud Functions: req.get(), bodies parsed by content type, req.query, res.set().status().json()', async () => {
      await deploy(js('gcf-content', sample('gcf/content.js')));
      const post = (type: string, body: string) => fetch(`${server.url}/fn/gcf-content`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(await (await post('application/json', '{"name":"John"}')).json()).toEqual({ greeting: 'Hello John!' });
      expect(await (await post('text/plain', 'Jane')).json()).toEqual({ greeting: 'Hello Jane!' });
      expect(await (await post('application/x-www-form-urlencoded', 'name=Joe')).json()).toEqual({ greeting: 'Hello Joe!' });
      const query = await fetch(`${server.url}/fn/gcf-content?name=Q`);
      expect(query.headers.get('x-greeting')).toBe('yes');
      expect(await query.json()).toEqual({ greeting: 'Hello Q!' });
      const refused = await fetch(`${server.url}/fn/gcf-content`, { method: 'DELETE' });
      expect(refused.status).toBe(405);
      expect(await refused.text()).toBe('Method not allowed');
    });

    it('Express style without the framework (eventFormat node-http): (req, res) with res.write streaming', async () => {
      const source = `module.exports = async (req, res) => {
        res.set('content-type', 'text/plain; charset=utf-8').status(200);
        res.write('hello ' + req.get('X-Name') + '\\n');
        await new Promise((r) => setTimeout(r, Number(req.query.wait)));
        res.end('bye\\n');
      };`;
      await deploy(js('express-plain', source, { eventFormat: 'node-http', timeout: 30 }));
      const response = await fetch(`${server.url}/fn/express-plain?wait=4000`, { headers: { 'x-name': 'req' } });
      const invocationId = response.headers.get('x-fngraph-invocation-id')!;
      const reader = response.body!.getReader();
      expect(await readUntil(reader, '\n')).toBe('hello req\n');
      expect((await statusOf(invocationId)).status).toBe('RUNNING');
      expect(await readUntil(reader, 'bye\n', 'hello req\n')).toBe('hello req\nbye\n');
    });

    it('Workers: export default { fetch(request, env, ctx) } with env vars, ctx.waitUntil, Response.json, binary bodies', async () => {
      await deploy(js('worker', sample('workers/index.js'), { environmentVariables: { GREETING: 'hi' } }));
      const hello = await fetch(`${server.url}/fn/worker`);
      expect(hello.status).toBe(200);
      expect(hello.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
      expect(await hello.text()).toBe('Hello World!');
      const created = await fetch(`${server.url}/fn/worker`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-worker')).toBe('yes');
      expect(await created.json()).toEqual({ got: { a: 1 }, greeting: 'hi' });
      const binary = await fetch(`${server.url}/fn/worker/binary`);
      expect(binary.headers.get('content-type')).toBe('application/octet-stream');
      expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { logs { message } } }', {
        id: binary.headers.get('x-fngraph-invocation-id'),
      });
      expect(invocation.logs.map((l: { message: string }) => l.message)).toContain('after the response');
    });

    it('OpenFaaS node20 template: context.status(200).succeed(result)', async () => {
      await deploy(js('openfaas-node', sample('openfaas-node/handler.js')));
      const response = await fetch(`${server.url}/fn/openfaas-node`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ping' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ body: '"ping"', 'content-type': 'text/plain' });
    });

    it('OpenFaaS python3-http template: def handle(event, context) returning { statusCode, body }', async () => {
      await deploy(py('openfaas-py', sample('openfaas-python/handler.py'), {}, { handler: 'handler.handle' }));
      const response = await fetch(`${server.url}/fn/openfaas-py`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Hello from OpenFaaS!');
    });

    it('Python: event attributes, headers in any case, a "202" status and a dict body as JSON', async () => {
      await deploy(py('openfaas-py-echo', sample('openfaas-python/echo.py'), {}, { handler: 'echo.handle' }));
      const response = await fetch(`${server.url}/fn/openfaas-py-echo/p?x=1`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'b' });
      expect(response.status).toBe(202);
      expect(response.headers.get('x-handled-by')).toBe('python3-http');
      expect(await response.json()).toEqual({ method: 'PUT', path: '/p', content_type: 'text/plain', query: { x: '1' }, body: 'b', hostname: true });
    });

    it('Netlify (Lambda-compatible): exports.handler returning { statusCode, body }', async () => {
      await deploy(js('netlify-hello', sample('netlify/hello.js'), { eventFormat: 'aws-apigw-v1' }));
      const response = await fetch(`${server.url}/fn/netlify-hello?name=Netlify`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ message: 'Hello Netlify' });
    });

    it('Netlify 2.0 (eventFormat web): export default async (req, context) => new Response(...)', async () => {
      await deploy(js('netlify-v2', sample('netlify-v2/hello.mjs'), { eventFormat: 'web' }));
      const response = await fetch(`${server.url}/fn/netlify-v2/hello?name=v2`, { method: 'PATCH' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Hello, v2! (PATCH, request known)');
    });

    it('native: a string is text, a "201" statusCode is a status, cookies go to Set-Cookie (functions origin only)', async () => {
      await deploy(
        js('native-text', 'module.exports = async (event) => event.path === "/r" ? { statusCode: "201", cookies: ["k=v"], body: "made" } : "plain text";'),
      );
      const text = await fetch(`${server.url}/fn/native-text`);
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await text.text()).toBe('plain text');
      const made = await fetch(`${server.url}/fn/native-text/r`);
      expect(made.status).toBe(201);
      expect(await made.text()).toBe('made');
      expect(made.headers.getSetCookie()).toEqual([]);
      // Over GraphQL the value stays what the function returned.
      const { invokeFunction } = await graphqlData(server.url, 'mutation($input: InvokeFunctionInput!) { invokeFunction(input: $input) { status response } }', {
        input: { name: 'native-text' },
      });
      expect(invokeFunction).toEqual({ status: 'SUCCEEDED', response: 'plain text' });
    });

    it('bytes returned as they are (a Buffer, Python bytes) are a binary response', async () => {
      await deploy(js('bytes-js', 'module.exports = async () => Buffer.from([1, 2, 3]);'));
      await deploy(py('bytes-py', 'def handler(event, context):\n    return bytes([1, 2, 3])\n'));
      for (const name of ['bytes-js', 'bytes-py']) {
        const response = await fetch(`${server.url}/fn/${name}`);
        expect(response.headers.get('content-type')).toBe('application/octet-stream');
        expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
      }
    });

    /** Reads from a streamed body until `text` has arrived; returns all that came so far. */
    async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string, sofar = ''): Promise<string> {
      const decoder = new TextDecoder();
      let received = sofar;
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${JSON.stringify(text)}: ${JSON.stringify(received)}`);
        received += decoder.decode(value, { stream: true });
      }
      return received;
    }

    async function statusOf(invocationId: string): Promise<{ status: string; response: any; responseTruncated: boolean }> {
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { status response responseTruncated } }', {
        id: invocationId,
      });
      return invocation;
    }

    /** The first chunk arrives while the function still runs (RUNNING), the rest once it has produced it. */
    async function expectStreamed(url: string, first: string, rest: string[], contentType: string) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('content-length')).toBeNull();
      const invocationId = response.headers.get('x-fngraph-invocation-id')!;
      const reader = response.body!.getReader();
      const early = await readUntil(reader, first);
      expect(early).toBe(first);
      expect((await statusOf(invocationId)).status).toBe('RUNNING');
      let all = early;
      for (const part of rest) all = await readUntil(reader, part, all);
      expect(await reader.read()).toMatchObject({ done: true });
      expect(all).toBe([first, ...rest].join(''));
      const final = await statusOf(invocationId);
      expect(final).toMatchObject({ status: 'SUCCEEDED', responseTruncated: false });
      expect(final.response).toMatchObject({ statusCode: 200, body: all, isBase64Encoded: false });
    }

    it('streams an async generator: chunk 1 reaches the client while the invocation is RUNNING', async () => {
      await deploy(js('stream-gen', sample('streaming/generator.js'), { timeout: 30 }));
      await expectStreamed(`${server.url}/fn/stream-gen?wait=4000`, 'chunk 1\n', ['chunk 2\n', 'chunk 3\n'], 'text/plain; charset=utf-8');
    });

    it('streams a Response whose body is a ReadableStream still being written', async () => {
      await deploy(js('stream-rs', sample('streaming/readable-stream.mjs'), { timeout: 30 }));
      await expectStreamed(`${server.url}/fn/stream-rs?wait=4000`, 'first\n', ['second\n'], 'text/plain; charset=utf-8');
    });

    it('streams objects an async generator yields as JSON lines, in Node.js and in Python', async () => {
      await deploy(js('ndjson-js', 'exports.handler = async function* () { yield { n: 1 }; yield { n: 2 }; };'));
      await deploy(py('ndjson-py', 'async def handler(event, context):\n    yield {"n": 1}\n    yield {"n": 2}\n'));
      for (const name of ['ndjson-js', 'ndjson-py']) {
        const response = await fetch(`${server.url}/fn/${name}`);
        expect(response.headers.get('content-type')).toBe('application/x-ndjson');
        expect(await response.text()).toBe('{"n":1}\n{"n":2}\n');
      }
    });

    it('streams a Python generator', async () => {
      await deploy(py('stream-py', sample('streaming/generator.py'), { timeout: 30 }));
      await expectStreamed(`${server.url}/fn/stream-py?wait=4000`, 'py chunk 1\n', ['py chunk 2\n'], 'text/plain; charset=utf-8');
    });

    it('a streamed response follows the header rules of its origin: no platform headers, cookies only on the functions origin', async () => {
      const source = `export default { fetch() {
        const body = new ReadableStream({ async start(c) { c.enqueue(new TextEncoder().encode('a')); await new Promise((r) => setTimeout(r, 50)); c.enqueue(new TextEncoder().encode('b')); c.close(); } });
        return new Response(body, { headers: { 'set-cookie': 'k=v', 'x-fngraph-invocation-id': 'spoofed', 'content-length': '999', 'x-mine': '1' } });
      } };`;
      await deploy(js('stream-headers', source));
      for (const [url, cookies] of [
        [server.url, []],
        [functionsUrl, ['k=v']],
      ] as const) {
        const response = await fetch(`${url}/fn/stream-headers`);
        expect(response.headers.get('x-fngraph-invocation-id')).not.toBe('spoofed');
        expect(response.headers.get('x-mine')).toBe('1');
        expect(response.headers.getSetCookie()).toEqual(cookies);
        expect(await response.text()).toBe('ab');
      }
    });

    it('a streamed head with an invalid header is not sent: the caller gets 502 FUNCTION_BAD_RESPONSE', async () => {
      // An Express-style head carries the function's own headers.
      const source = "module.exports = (req, res) => { res.set('x-bad', 'a\\nb'); res.write('x'); res.end(); };";
      await deploy(js('stream-bad-header', source, { eventFormat: 'node-http' }));
      const response = await fetch(`${server.url}/fn/stream-bad-header`);
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe('FUNCTION_BAD_RESPONSE');
    });

    it('a stream the function breaks off is cut off for the client, and the invocation FAILED', async () => {
      await deploy(
        js('stream-broken', 'exports.handler = async function* () { yield "part"; await new Promise((r) => setTimeout(r, 50)); throw new Error("broke"); };'),
      );
      const response = await fetch(`${server.url}/fn/stream-broken`);
      expect(response.status).toBe(200);
      const invocationId = response.headers.get('x-fngraph-invocation-id')!;
      await expect(response.text()).rejects.toThrow();
      const final = await statusOf(invocationId);
      expect(final.status).toBe('FAILED');
    });

    it('a streamed response invoked over GraphQL is collected into the result', async () => {
      await deploy(js('stream-collected', sample('streaming/generator.js'), { timeout: 30 }));
      const { invokeFunction } = await graphqlData(server.url, 'mutation($input: InvokeFunctionInput!) { invokeFunction(input: $input) { status response } }', {
        input: { name: 'stream-collected', event: { method: 'GET', path: '/', query: { wait: '1' } } },
      });
      expect(invokeFunction.status).toBe('SUCCEEDED');
      expect(invokeFunction.response).toMatchObject({ statusCode: 200, body: 'chunk 1\nchunk 2\nchunk 3\n' });
    });

    it('keeps eventFormat per version: in the registration response and on GraphQL', async () => {
      const { status, body } = await registerRest(
        server.url,
        js('format-kept', 'exports.handler = async () => ({ statusCode: 204 });', { eventFormat: 'aws-apigw-v2' }),
      );
      expect(status).toBe(201);
      expect(body.executionConfig.eventFormat).toBe('aws-apigw-v2');
      const { functionByName } = await graphqlData(
        server.url,
        'query { functionByName(name: "format-kept") { executionConfig { eventFormat } latestVersion { executionConfig { eventFormat } } } }',
      );
      expect(functionByName).toEqual({ executionConfig: { eventFormat: 'aws-apigw-v2' }, latestVersion: { executionConfig: { eventFormat: 'aws-apigw-v2' } } });
      const { updateFunction } = await graphqlData(
        server.url,
        'mutation($id: ID!) { updateFunction(id: $id, input: { description: "next" }) { latestVersion { executionConfig { eventFormat } } } }',
        { id: body.id },
      );
      expect(updateFunction.latestVersion.executionConfig.eventFormat).toBe('aws-apigw-v2');
    });

    it('refuses an unknown eventFormat, and web styles for Python, with the field named', async () => {
      const unknown = await registerRest(server.url, js('bad-format', 'module.exports = () => 1;', { eventFormat: 'aws-alb' }));
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body)).toContain('executionConfig.eventFormat');
      const pythonWeb = await registerRest(server.url, py('bad-format-py', 'def handler(e, c):\n    return 1\n', { eventFormat: 'node-http' }));
      expect(pythonWeb.status).toBe(400);
      expect(JSON.stringify(pythonWeb.body)).toContain('executionConfig.eventFormat');
    });
  });
}
