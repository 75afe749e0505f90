import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorKind } from '@/kernel/config/app-config.js';
import { graphqlData } from '../support/graphql-client.js';
import { pythonDocument, register, registerDocument, registerRest } from '../support/functions.js';
import { scrape } from '../support/prometheus.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Calls the test's servers as the event says, and answers what happened (never throws). */
const NODE_CLIENT = `
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');

exports.handler = async (event) => {
  const { mode, host, port } = JSON.parse(event.body);
  try {
    if (mode === 'fetch') {
      const response = await fetch('http://' + host + ':' + port + '/from-fetch');
      return { ok: true, text: await response.text() };
    }
    if (mode === 'https') {
      const text = await new Promise((resolve, reject) => {
        https.get({ host, port, path: '/from-https', ca: process.env.TEST_CA }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      return { ok: true, text };
    }
    if (mode === 'http') {
      const text = await new Promise((resolve, reject) => {
        http.get('http://' + host + ':' + port + '/from-http', (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      return { ok: true, text };
    }
    // 'lookup': resolve first (as some drivers do), then connect to the address.
    const address = mode === 'lookup' ? (await dns.promises.lookup(host)).address : host;
    const text = await new Promise((resolve, reject) => {
      const socket = net.connect(port, address, () => socket.write('ping from node'));
      socket.once('data', (data) => {
        socket.end();
        resolve(String(data));
      });
      socket.on('error', reject);
    });
    return { ok: true, text };
  } catch (error) {
    return { ok: false, error: String((error.cause && error.cause.message) || error.message) };
  }
};
`;

const PYTHON_CLIENT = `
import json
import os
import socket
import ssl
import urllib.request


def handler(event, context):
    request = json.loads(event['body'])
    host, port = request['host'], request['port']
    try:
        if request['mode'] == 'https':
            context = ssl.create_default_context(cadata=os.environ['TEST_CA'])
            with urllib.request.urlopen('https://%s:%d/from-python-https' % (host, port), timeout=10, context=context) as response:
                return {'ok': True, 'text': response.read().decode()}
        if request['mode'] == 'urllib':
            with urllib.request.urlopen('http://%s:%d/from-urllib' % (host, port), timeout=10) as response:
                return {'ok': True, 'text': response.read().decode()}
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(b'ping from python')
            return {'ok': True, 'text': sock.recv(100).decode()}
    except Exception as error:
        return {'ok': False, 'error': str(getattr(error, 'reason', None) or error)}
`;

interface Outcome {
  status: string;
  result: { ok: boolean; text?: string; error?: string };
  logs: string[];
}

async function listening<T extends HttpServer | TcpServer>(server: T): Promise<T> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: HttpServer | TcpServer) => (server.address() as AddressInfo).port;

/** A self-signed certificate for 127.0.0.1, made with openssl; null where openssl is missing. */
function selfSignedCertificate(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-egress-cert-'));
  try {
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    execFileSync('openssl', [...args, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = selfSignedCertificate();

/**
 * Outbound network through the egress gateway, against loopback servers this test starts:
 * the operator allows two of them (FNGRAPH_EGRESS_ALLOW_PRIVATE), functions name what they
 * may reach, and everything else is refused with the reason in the invocation's logs.
 */
export function egressSuite(kind: ExecutorKind, env: Record<string, string> = {}): void {
  describe(`outbound network (egress): ${kind} executor`, () => {
    let server: TestServer;
    let web: HttpServer;
    let echo: TcpServer;
    /** Allowed by the operator, named by no function. */
    let unnamed: HttpServer;
    /** HTTPS with `certificate`, allowed by the operator (when openssl made one). */
    let secure: HttpServer | null = null;
    const seen: string[] = [];
    /** Not allowed by the operator. */
    let hidden: HttpServer;
    let apiPort: number;

    beforeAll(async () => {
      web = await listening(createHttpServer((req, res) => (seen.push(`web ${req.url}`), res.end(`hello ${req.url}`))));
      echo = await listening(createTcpServer((socket) => (seen.push('echo'), socket.pipe(socket))));
      unnamed = await listening(createHttpServer((req, res) => (seen.push(`unnamed ${req.url}`), res.end('unnamed'))));
      if (certificate) secure = await listening(createHttpsServer(certificate, (req, res) => (seen.push(`secure ${req.url}`), res.end(`secure ${req.url}`))));
      hidden = await listening(createHttpServer((req, res) => (seen.push(`hidden ${req.url}`), res.end('hidden'))));
      server = await startTestServer({
        FNGRAPH_EXECUTOR: kind,
        FNGRAPH_EGRESS_ALLOW_PRIVATE: [web, echo, unnamed, ...(secure ? [secure] : [])].map((s) => `127.0.0.1:${portOf(s)}`).join(','),
        ...env,
      });
      apiPort = Number(new URL(server.url).port);
      const allow = [
        `127.0.0.1:${portOf(web)}`,
        `127.0.0.1:${portOf(echo)}`,
        // Named by the function, refused by the platform.
        `127.0.0.1:${portOf(hidden)}`,
        `127.0.0.1:${apiPort}`,
        '169.254.169.254:80',
        `localhost:${portOf(hidden)}`,
        `localhost:${portOf(echo)}`,
        ...(secure ? [`127.0.0.1:${portOf(secure)}`] : []),
      ];
      const network = { enabled: true, allow };
      const config = { executionConfig: { timeout: 20, memoryLimit: 128, environmentVariables: { TEST_CA: certificate?.cert ?? '' }, network } };
      await register(server.url, 'net-node', NODE_CLIENT, config);
      await register(server.url, 'offline-node', NODE_CLIENT, { executionConfig: { timeout: 20, memoryLimit: 128, environmentVariables: {} } });
      await registerDocument(server.url, pythonDocument('net-python', PYTHON_CLIENT, config));
    });

    afterAll(async () => {
      await server?.close();
      for (const s of [web, echo, unnamed, hidden, ...(secure ? [secure] : [])]) await new Promise((resolve) => s?.close(resolve));
    });

    async function call(name: string, mode: string, host: string, port: number): Promise<Outcome> {
      const data = await graphqlData<{ invokeFunction: { status: string; response: any; logs: Array<{ message: string }> } }>(
        server.url,
        'mutation($name: String!, $p: JSON) { invokeFunction(input: { name: $name, payload: $p }) { status response logs { message } } }',
        { name, p: { mode, host, port } },
      );
      const { status, response, logs } = data.invokeFunction;
      const result = typeof response?.body === 'string' ? JSON.parse(response.body) : (response?.body ?? response);
      return { status, result, logs: logs.map((line) => line.message) };
    }

    it('lets a function with network access reach an allowed host over fetch, http.get and raw TCP (Node)', async () => {
      const port = portOf(web);
      expect((await call('net-node', 'fetch', '127.0.0.1', port)).result).toEqual({ ok: true, text: 'hello /from-fetch' });
      expect((await call('net-node', 'http', '127.0.0.1', port)).result).toEqual({ ok: true, text: 'hello /from-http' });
      expect((await call('net-node', 'tcp', '127.0.0.1', portOf(echo))).result).toEqual({ ok: true, text: 'ping from node' });
    });

    it('resolves a name to a stand-in the gateway resolves again, and refuses it when the real address is loopback', async () => {
      // The function sees a stand-in address; the gateway resolves localhost itself (127.0.0.1, allowed for the echo port).
      expect((await call('net-node', 'lookup', 'localhost', portOf(echo))).result).toEqual({ ok: true, text: 'ping from node' });
      const before = seen.length;
      const refused = await call('net-node', 'lookup', 'localhost', portOf(hidden));
      expect(refused.result.error).toContain(`localhost resolves to 127.0.0.1:${portOf(hidden)}`);
      expect(seen.length).toBe(before);
    });

    it('lets a Python function reach it over urllib and a raw socket', async () => {
      expect((await call('net-python', 'urllib', '127.0.0.1', portOf(web))).result).toEqual({ ok: true, text: 'hello /from-urllib' });
      expect((await call('net-python', 'tcp', '127.0.0.1', portOf(echo))).result).toEqual({ ok: true, text: 'ping from python' });
    });

    it.skipIf(certificate === null)(
      'runs TLS through the tunnel: https.get (Node) and urllib with an SSL context (Python), certificates verified',
      async () => {
        const port = portOf(secure!);
        expect((await call('net-node', 'https', '127.0.0.1', port)).result).toEqual({ ok: true, text: 'secure /from-https' });
        expect((await call('net-python', 'https', '127.0.0.1', port)).result).toEqual({ ok: true, text: 'secure /from-python-https' });
      },
    );

    it('gives a function without network access none: the same call fails and reaches nothing', async () => {
      const before = seen.length;
      const outcome = await call('offline-node', 'fetch', '127.0.0.1', portOf(web));
      expect(outcome.result.ok).toBe(false);
      expect(outcome.result.error).toMatch(/ECONNREFUSED|EAI_AGAIN|ENOTFOUND|ENETUNREACH/);
      expect(seen.length).toBe(before);
    });

    it('refuses a port the allow-list does not name, with the reason in the logs', async () => {
      const before = seen.length;
      const outcome = await call('net-node', 'fetch', '127.0.0.1', portOf(unnamed));
      expect(outcome.result).toEqual({ ok: false, error: expect.stringContaining("is not in the function's allow-list") });
      expect(outcome.logs).toContainEqual(expect.stringMatching(new RegExp(`^\\[fngraph egress\\] denied 127\\.0\\.0\\.1:${portOf(unnamed)}: `)));
      expect(seen.length).toBe(before);
    });

    it('refuses loopback the operator did not allow, even when the function names it', async () => {
      const before = seen.length;
      const node = await call('net-node', 'http', '127.0.0.1', portOf(hidden));
      expect(node.result.error).toContain('127.0.0.1 is a loopback address, which the operator has not allowed');
      const python = await call('net-python', 'tcp', '127.0.0.1', portOf(hidden));
      expect(python.result.error).toContain('127.0.0.1 is a loopback address, which the operator has not allowed');
      expect(seen.length).toBe(before);
    });

    it("refuses the platform's own API port and the cloud metadata address", async () => {
      const api = await call('net-node', 'fetch', '127.0.0.1', apiPort);
      expect(api.result.error).toContain(`port ${apiPort} is one of the platform's own listeners`);
      const metadata = await call('net-python', 'urllib', '169.254.169.254', 80);
      expect(metadata.result.error).toContain('169.254.169.254 is a link-local address');
    });

    it('checks the addresses a name resolves to: localhost is loopback, refused', async () => {
      const before = seen.length;
      const outcome = await call('net-node', 'fetch', 'localhost', portOf(hidden));
      expect(outcome.result.error).toContain(`localhost resolves to 127.0.0.1:${portOf(hidden)}`);
      expect(outcome.logs).toContainEqual(expect.stringContaining(`[fngraph egress] denied localhost:${portOf(hidden)}`));
      const python = await call('net-python', 'urllib', 'localhost', portOf(hidden));
      expect(python.result.error).toContain(`localhost resolves to 127.0.0.1:${portOf(hidden)}`);
      expect(seen.length).toBe(before);
    });

    it('counts allowed and denied connections', async () => {
      const metrics = await scrape(server.url);
      expect(metrics.value('fngraph_egress_connections_total', { decision: 'allowed' })).toBeGreaterThanOrEqual(5);
      expect(metrics.value('fngraph_egress_connections_total', { decision: 'denied' })).toBeGreaterThanOrEqual(6);
    });

    it('keeps the setting on the version, in GraphQL as registered', async () => {
      const data = await graphqlData<{ functionByName: { executionConfig: { network: { enabled: boolean; allow: string[] } } } }>(
        server.url,
        'query { functionByName(name: "net-python") { executionConfig { network { enabled allow } } } }',
      );
      expect(data.functionByName.executionConfig.network).toEqual({ enabled: true, allow: expect.arrayContaining(['169.254.169.254:80']) });
      const offline = await graphqlData<{ functionByName: { executionConfig: { network: unknown } } }>(
        server.url,
        'query { functionByName(name: "offline-node") { executionConfig { network { enabled allow } } } }',
      );
      expect(offline.functionByName.executionConfig.network).toEqual({ enabled: false, allow: [] });
    });

    it('refuses network access at registration where the operator turned it off', async () => {
      const off = await startTestServer({ FNGRAPH_EXECUTOR: kind, FNGRAPH_EGRESS_ENABLED: 'false', ...env });
      try {
        const { status, body } = await registerRest(off.url, {
          name: 'wants-network',
          language: 'javascript',
          code: Buffer.from(NODE_CLIENT).toString('base64'),
          executionConfig: { network: { enabled: true, allow: ['api.example.com'] } },
        });
        expect(status).toBe(400);
        expect(JSON.stringify(body)).toContain('FNGRAPH_EGRESS_ENABLED=false');
      } finally {
        await off.close();
      }
    });

    it('refuses allow-list entries that are not destinations, with the field named', async () => {
      const { status, body } = await registerRest(server.url, {
        name: 'bad-network',
        language: 'javascript',
        code: Buffer.from(NODE_CLIENT).toString('base64'),
        executionConfig: { network: { enabled: true, allow: ['api.example.com:99999', 'http://example.com'] } },
      });
      expect(status).toBe(400);
      expect(JSON.stringify(body)).toContain('executionConfig.network.allow');
    });
  });
}
