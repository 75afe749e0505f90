import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface UpgradeAnswer {
  status: number;
  body: string;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
}

/** A WebSocket handshake on `path`; resolves with the answer once the socket is closed (or fails after a generous deadline). */
function upgrade(url: string, path: string, headers: Record<string, string> = {}): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to the upgrade on ${path}`));
    }, 10_000);
    req.on('upgrade', (res, socket) => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '', closed: false });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.socket.once('close', () => {
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, body, closed: true });
      });
    });
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end();
  });
}

const openDescriptors = () => readdirSync('/proc/self/fd').length;

/** graphql-ws on `/graphql` with its subprotocol; resolves with the first message, or the close code. */
function graphqlWs(url: string, send: string): Promise<{ message?: string; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const deadline = setTimeout(() => reject(new Error('no answer over graphql-ws')), 20_000);
    socket.on('open', () => socket.send(send));
    socket.on('message', (data) => {
      clearTimeout(deadline);
      resolve({ message: data.toString() });
      socket.close();
    });
    socket.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ closeCode: code });
    });
    socket.on('error', () => undefined);
  });
}

describe('WebSocket upgrades', () => {
  const MAX_BODY_BYTES = 100_000;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_MAX_BODY_BYTES: String(MAX_BODY_BYTES), FNGRAPH_MAX_CODE_BYTES: '65536' });
  });
  afterAll(() => server?.close());

  it('answers an upgrade on another path than /graphql with 404 and closes it, leaving no descriptor behind', async () => {
    const first = await upgrade(server.url, '/nope');
    expect(first.status).toBe(404);
    expect(JSON.parse(first.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(first.closed).toBe(true);
    const before = openDescriptors();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => upgrade(server.url, `/nope/${i}`)));
    expect(answers.every((answer) => answer.status === 404 && answer.closed)).toBe(true);
    // Both ends are in this process: once the server has closed its sockets, the count is back.
    for (let i = 0; i < 100 && openDescriptors() > before + 5; i++) await new Promise((r) => setTimeout(r, 50));
    expect(openDescriptors()).toBeLessThanOrEqual(before + 5);
  });

  it('closes a graphql-ws connection whose message exceeds the HTTP body limit (1009), and serves one just under it', async () => {
    const authorization = `Bearer ${server.adminKey}`;
    const init = (size: number) => {
      const bare = JSON.stringify({ type: 'connection_init', payload: { authorization, pad: '' } });
      return JSON.stringify({ type: 'connection_init', payload: { authorization, pad: 'x'.repeat(size - bare.length) } });
    };
    expect(Buffer.byteLength(init(MAX_BODY_BYTES - 16))).toBe(MAX_BODY_BYTES - 16);
    const under = await graphqlWs(server.url, init(MAX_BODY_BYTES - 16));
    expect(JSON.parse(under.message ?? '{}')).toMatchObject({ type: 'connection_ack' });
    const over = await graphqlWs(server.url, init(MAX_BODY_BYTES + 16));
    expect(over.closeCode).toBe(1009);
  });
});

describe('WebSocket upgrades, rate-limited', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '3', FNGRAPH_TRUST_PROXY: 'loopback' });
  });
  afterAll(() => server?.close());

  it('limits upgrades per client address like anonymous requests (429)', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await upgrade(server.url, '/graphql'));
    expect(answers.slice(0, 3).map((answer) => answer.status)).toEqual([101, 101, 101]);
    expect(answers[3]).toMatchObject({ status: 429, closed: true });
    expect(JSON.parse(answers[3].body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('counts the client behind a trusted proxy, not the proxy', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await upgrade(server.url, '/graphql', { 'x-forwarded-for': `192.0.2.${i + 1}` })).status);
    expect(statuses).toEqual([101, 101, 101, 101]);
  });
});
