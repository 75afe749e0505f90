import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../support/functions.js';
import { graphqlData } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ECHO = 'export default async (event) => ({ statusCode: 200, body: event.body ?? "" });';

interface RawAnswer {
  status: number;
  text: string;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * A raw HTTP request that sends its headers (announcing `length` bytes of body) and
 * `sent` of them, then stalls. Resolves with what the server answered once it closed the
 * connection or `settleMs` after the first byte of an answer; rejects after `deadlineMs`.
 */
function stalledUpload(url: string, path: string, length: number, sent: number, headers: Record<string, string> = {}, deadlineMs = 20_000) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  let closed = false;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`);
  socket.write('x'.repeat(sent));
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms; got ${JSON.stringify(text.slice(0, 200))}`)), deadlineMs);
    const finish = () => {
      clearTimeout(deadline);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, closed });
    };
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('data', () => {
      // An answer is complete when its JSON body is: enough to judge without waiting for the close.
      if (/\r\n\r\n\{.*\}$/s.test(text) && !socket.destroyed) setTimeout(finish, 200);
    });
  });
  return { socket, answer };
}

describe('request bodies: time limit, credentials first, anonymous uploads bounded', () => {
  const BODY_TIMEOUT_MS = 1500;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS), FNGRAPH_HEADERS_TIMEOUT_MS: '4000' });
    await register(server.url, 'echo', ECHO);
  }, 60_000);
  afterAll(() => server?.close());

  it('sets Node’s header and request timeouts from the configuration', () => {
    const http = server.app.getHttpServer();
    expect(http.headersTimeout).toBe(4000);
    expect(http.requestTimeout).toBeGreaterThan(4000 + BODY_TIMEOUT_MS);
  });

  it('answers 408 (JSON) and closes a stalled anonymous upload to a public function', async () => {
    const { answer } = stalledUpload(server.url, '/fn/echo', 100_000, 50_000);
    const result = await answer;
    expect(result.status).toBe(408);
    expect(result.text).toMatch(/"code":"REQUEST_TIMEOUT"/);
    expect(result.closed).toBe(true);
  });

  it('answers 408 (JSON) and closes a stalled upload to the management API', async () => {
    const { answer } = stalledUpload(server.url, '/graphql', 100_000, 50_000);
    const result = await answer;
    expect(result.status).toBe(408);
    expect(result.text).toMatch(/"code":"REQUEST_TIMEOUT"/);
    expect(result.closed).toBe(true);
  });

  it('refuses a bad credential with 401 before reading the body', async () => {
    const bad = { authorization: 'Bearer fng_nope_0000000000000000000000000000000000000000' };
    for (const path of ['/fn/echo', '/graphql', '/functions/register']) {
      // 5 MB announced, 1 KB sent: an answer now means the body was not waited for.
      const { socket, answer } = stalledUpload(server.url, path, 5_000_000, 1024, bad, BODY_TIMEOUT_MS - 500);
      const result = await answer;
      socket.destroy();
      expect({ path, status: result.status }).toEqual({ path, status: 401 });
    }
  });
});

describe('concurrent anonymous uploads', () => {
  const MAX_ANONYMOUS_UPLOADS = 3;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_MAX_ANONYMOUS_UPLOADS: String(MAX_ANONYMOUS_UPLOADS), FNGRAPH_BODY_TIMEOUT_MS: '60000' });
    await register(server.url, 'echo', ECHO);
  }, 60_000);
  afterAll(() => server?.close());

  const post = (headers: Record<string, string> = {}) =>
    fetch(`${server.url}/fn/echo`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: 'hello' });

  it('refuses the anonymous upload beyond the bound with 503 while the others stall; credentials are not bounded; places come back', async () => {
    const stalled: Socket[] = [];
    try {
      // Function calls and the management API share the places.
      for (let i = 0; i < MAX_ANONYMOUS_UPLOADS; i++) stalled.push(stalledUpload(server.url, i === 0 ? '/graphql' : '/fn/echo', 100_000, 1000).socket);
      // The stalled uploads take their places once authenticated and rate-limited: poll until they have.
      let refused: Response | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        const response = await post();
        if (response.status === 503) refused = response;
        else {
          expect(response.status).toBe(200);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBeTruthy();
      expect(await refused?.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      const withKey = await post({ authorization: `Bearer ${server.adminKey}` });
      expect(withKey.status).toBe(200);
      expect(await withKey.text()).toBe('hello');
    } finally {
      for (const socket of stalled) socket.destroy();
    }
    // Their places are given back when the clients go away.
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = (await post()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    // Clients that went away mid-body are their own doing, not platform errors.
    expect((await graphqlData(server.url, '{ platformErrors { total } }')).platformErrors.total).toBe(0);
  });
});
