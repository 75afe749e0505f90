// Starting fngraph servers and talking to them, for benchmark scripts. Uses the built
// server (`npm run build`), as deployed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

/** Settings every benchmarked server shares (one master key, so nodes can share a store). */
export function sharedServerEnv() {
  return { FNGRAPH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), FNGRAPH_BOOTSTRAP_ADMIN_KEY: newAdminKey() };
}

/** What npm and pip need to reach their registries from this machine (proxies, CA bundles). */
function packageManagerEnvironment() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) =>
      /^(NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|(HTTPS?|NO)_PROXY|(https?|no)_proxy|npm_config_.*|PIP_.*)$/.test(name),
    ),
  );
}

/** An API key in fngraph's format (`npm run new-api-key` makes the same). */
function newAdminKey() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const prefix = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
  return `fng_${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * A server process; `env` adds to (and overrides) the defaults. It starts with a known
 * admin key (sent by the helpers) and without request rate limits, which would otherwise
 * throttle the load generator.
 */
export async function startServer(env = {}, { cpu, nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-bench-'));
  const adminKey = env.FNGRAPH_BOOTSTRAP_ADMIN_KEY ?? newAdminKey();
  const node = [process.execPath, ...nodeArgs, MAIN];
  const command = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  const child = spawn(command[0], command.slice(1), {
    env: {
      ...packageManagerEnvironment(),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'development',
      FNGRAPH_DATA_DIR: dataDir,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
      FNGRAPH_RATE_LIMIT_REQUESTS: '0',
      FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return {
    url,
    pid: child.pid,
    /** Headers and graphql-ws connection parameters that authenticate as the admin. */
    headers: { authorization: `Bearer ${adminKey}` },
    connectionParams: { authorization: `Bearer ${adminKey}` },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function graphql(url, query, variables = {}, headers = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Registers a public function (its endpoints need no credentials, like a public HTTP function). */
export async function registerFunction(url, name, source, extra = {}, headers = {}) {
  const metadata = { ...extra.metadata, permissions: { public: true } };
  const response = await fetch(`${url}/functions/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, language: 'javascript', code: Buffer.from(source).toString('base64'), ...extra, metadata }),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`register ${name}: ${JSON.stringify(body)}`);
  return body;
}

export function wsClient(url, connectionParams = {}) {
  return createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}
