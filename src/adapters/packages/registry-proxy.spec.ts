import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryProxy, startRegistryProxy } from './registry-proxy.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A plain-HTTP request through the proxy (absolute URL), answering status and body. */
function viaProxy(proxy: string, url: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path: url, headers: { host: new URL(url).host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** The proxy's answer to `CONNECT target`: its status line. */
function tunnel(proxy: string, target: string): Promise<string> {
  const { hostname, port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
    socket.setEncoding('utf8').once('data', (chunk: string) => {
      socket.destroy();
      resolve(chunk.split('\r\n')[0]!);
    });
    socket.on('error', reject);
  });
}

describe('startRegistryProxy', () => {
  const hits = { registry: 0, internal: 0 };
  const registry = createServer((_q, r) => (hits.registry++, r.end('packument')));
  const internal = createServer((_q, r) => (hits.internal++, r.end('secret')));
  let registryUrl: string;
  let internalUrl: string;
  let proxy: RegistryProxy;
  const refused: string[] = [];

  beforeAll(async () => {
    [registryUrl, internalUrl] = await Promise.all([listen(registry), listen(internal)]);
    proxy = await startRegistryProxy({ allowed: [`${registryUrl}/`, 'https://registry.example/'], onRefused: (target) => refused.push(target) });
  });
  afterAll(async () => {
    await proxy.close();
    registry.close();
    internal.close();
  });

  it('forwards requests to the registry and refuses every other origin without contacting it', async () => {
    expect(await viaProxy(proxy.url, `${registryUrl}/left-pad`)).toEqual({ status: 200, body: 'packument' });
    const denied = await viaProxy(proxy.url, `${internalUrl}/x.tgz`);
    expect(denied.status).toBe(403);
    expect(hits).toEqual({ registry: 1, internal: 0 });
    expect(refused).toEqual([`${internalUrl}/x.tgz`]);
  });

  it('tunnels only to the https registry host and port', async () => {
    expect(await tunnel(proxy.url, `127.0.0.1:${new URL(internalUrl).port}`)).toBe('HTTP/1.1 403 Forbidden');
    expect(await tunnel(proxy.url, 'registry.example:8443')).toBe('HTTP/1.1 403 Forbidden');
    expect(hits.internal).toBe(0);
    expect(proxy.refused.slice(-2)).toEqual([`https://127.0.0.1:${new URL(internalUrl).port}`, 'https://registry.example:8443']);
  });

  it("goes through the host's own proxy when the environment names one, for allowed targets only", async () => {
    const seen: string[] = [];
    const corporate = createServer((q, r) => (seen.push(`${q.method} ${q.url} ${q.headers['proxy-authorization'] ?? ''}`), r.end('via corporate')));
    corporate.on('connect', (q, socket) => (seen.push(`CONNECT ${q.url}`), socket.end('HTTP/1.1 200 OK\r\n\r\n')));
    const corporateUrl = await listen(corporate);
    const chained = await startRegistryProxy({
      allowed: ['http://registry.internal:8080/', 'https://registry.example/'],
      upstream: { http: corporateUrl.replace('//', '//u:p@'), https: corporateUrl, noProxy: 'localhost,.direct.example' },
    });
    try {
      expect(await viaProxy(chained.url, 'http://registry.internal:8080/left-pad')).toEqual({ status: 200, body: 'via corporate' });
      expect(await tunnel(chained.url, 'registry.example:443')).toBe('HTTP/1.1 200 Connection Established');
      expect((await viaProxy(chained.url, 'http://elsewhere.internal/x')).status).toBe(403);
      expect(seen).toEqual([`GET http://registry.internal:8080/left-pad Basic ${Buffer.from('u:p').toString('base64')}`, 'CONNECT registry.example:443']);
    } finally {
      await chained.close();
      corporate.close();
    }
  });
});
