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

/** A server process; `env` adds to (and overrides) the defaults. */
export async function startServer(env = {}, { cpu } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-bench-'));
  const command = cpu === undefined ? [process.execPath, MAIN] : ['taskset', '-c', String(cpu), process.execPath, MAIN];
  const child = spawn(command[0], command.slice(1), {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'development',
      FNGRAPH_DATA_DIR: dataDir,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
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

export async function registerFunction(url, name, source, extra = {}, headers = {}) {
  const response = await fetch(`${url}/functions/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, language: 'javascript', code: Buffer.from(source).toString('base64'), ...extra }),
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
