import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRangeWithPort } from '@/kernel/network/address-range.js';
import { type EgressDecision, EgressGateway } from './egress-gateway.js';
import { EgressPolicy } from './egress-policy.js';

// A real gateway on a Unix socket in front of real loopback servers; only name resolution is
// given (the names below exist nowhere), and the operator allows this test's loopback ports.

let dir: string;
let echo: Server;
let firstLines: Server;
let echoPort: number;
let linesPort: number;
const received: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fngraph-egress-spec-'));
  echo = createServer((socket) => socket.pipe(socket));
  firstLines = createServer((socket) =>
    socket.once('data', (data) => (received.push(String(data).split('\r\n')[0]!), socket.end('HTTP/1.1 200 OK\r\n\r\nok'))),
  );
  await Promise.all([echo, firstLines].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  echoPort = (echo.address() as { port: number }).port;
  linesPort = (firstLines.address() as { port: number }).port;
});

afterAll(async () => {
  for (const server of [echo, firstLines]) await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

let gateway: EgressGateway | null = null;
let sequence = 0;

afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

async function open(allow: string[], options: { maxConnections?: number; resolve?: (host: string) => Promise<string[]>; operator?: string[] } = {}) {
  const decisions: EgressDecision[] = [];
  const socketPath = join(dir, `gw-${++sequence}.sock`);
  const policy = new EgressPolicy(allow, {
    allowPrivate: (options.operator ?? [`127.0.0.1:${echoPort}`, `127.0.0.1:${linesPort}`]).map((entry) => parseRangeWithPort(entry, 'any')!),
    platformPorts: new Set<number>(),
  });
  gateway = await EgressGateway.listen({
    socketPath,
    policy,
    maxConnections: options.maxConnections ?? 8,
    resolve: options.resolve ?? (async () => ['127.0.0.1']),
    onDecision: (decision) => decisions.push(decision),
  });
  return { socketPath, decisions };
}

/** Sends `request` and collects everything until the gateway (or the destination) closes, or `until` matches. */
function exchange(socketPath: string, request: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(socketPath, () => socket.write(request));
    let text = '';
    socket.on('data', (data) => {
      text += String(data);
      if (until?.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('EgressGateway', () => {
  it('tunnels an allowed CONNECT, bytes sent right behind the request included', async () => {
    const { socketPath, decisions } = await open([`127.0.0.1:${echoPort}`]);
    const text = await exchange(socketPath, `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\nhello`, /hello$/);
    expect(text).toBe('HTTP/1.1 200 Connection Established\r\n\r\nhello');
    expect(decisions).toEqual([{ allowed: true, host: '127.0.0.1', port: echoPort, address: '127.0.0.1', reason: null }]);
  });

  it('refuses with 403 and the reason in a header and the status line, connecting nowhere', async () => {
    const { socketPath, decisions } = await open([`127.0.0.1:${echoPort}`]);
    const text = await exchange(socketPath, `CONNECT 127.0.0.1:${linesPort} HTTP/1.1\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 403 Forbidden \(fngraph egress: 127\.0\.0\.1:\d+ is not in the function's allow-list\)\r\n/);
    expect(text).toContain(`\r\nX-Fngraph-Egress-Reason: 127.0.0.1:${linesPort} is not in the function's allow-list\r\n`);
    expect(decisions).toEqual([expect.objectContaining({ allowed: false, address: null })]);
  });

  it('connects to the addresses it checked, the next one when the first does not answer', async () => {
    // Nothing listens on 127.0.0.3 (the echo server is on 127.0.0.1 only): refused there, answered at the next.
    const { socketPath, decisions } = await open([`api.example.test:${echoPort}`], {
      resolve: async () => ['127.0.0.3', '127.0.0.1'],
      operator: [`127.0.0.0/8:${echoPort}`],
    });
    expect(await exchange(socketPath, `CONNECT api.example.test:${echoPort} HTTP/1.1\r\n\r\nx`, /x$/)).toMatch(/ 200 /);
    expect(decisions).toEqual([expect.objectContaining({ allowed: true, address: '127.0.0.1' })]);
    // A name resolving to an operator-allowed address and one that is not: refused whole.
    const { socketPath: mixed } = await open([`api.example.test:${echoPort}`], { resolve: async () => ['127.0.0.1', '10.0.0.1'] });
    expect(await exchange(mixed, `CONNECT api.example.test:${echoPort} HTTP/1.1\r\n\r\n`)).toContain('10.0.0.1 is a private address');
  });

  it('forwards a plain-HTTP proxy request in origin form', async () => {
    const { socketPath } = await open([`127.0.0.1:${linesPort}`]);
    const text = await exchange(socketPath, `GET http://127.0.0.1:${linesPort}/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(text).toBe('HTTP/1.1 200 OK\r\n\r\nok');
    expect(received.at(-1)).toBe('GET /path?q=1 HTTP/1.1');
  });

  it('answers 400 to what is not a proxy request', async () => {
    const { socketPath } = await open([`127.0.0.1:${echoPort}`]);
    expect(await exchange(socketPath, 'GET /relative HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await exchange(socketPath, 'CONNECT [not-an-address]:80 HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await exchange(socketPath, 'CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('answers 429 beyond the connection limit of its sandbox', async () => {
    const { socketPath, decisions } = await open([`127.0.0.1:${echoPort}`], { maxConnections: 1 });
    const held = connect(socketPath);
    held.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\n`);
    await new Promise((resolve) => held.once('data', resolve));
    expect(await exchange(socketPath, `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 429 .*FNGRAPH_EGRESS_MAX_CONNECTIONS/);
    held.destroy();
    expect(decisions.map((d) => d.allowed)).toEqual([true, false]);
  });
});
