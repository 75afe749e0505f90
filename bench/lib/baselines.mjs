// The baselines each scenario compares fngraph against, started the same way as the
// server under test (pinned to the server CPU).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';
import { SERVER_CPU } from './wrk.mjs';

const PLAIN = fileURLToPath(new URL('../baselines/plain-http.mjs', import.meta.url));
const FF_DIR = fileURLToPath(new URL('../baselines/functions-framework/', import.meta.url));
const FF_MAIN = fileURLToPath(new URL('../../node_modules/@google-cloud/functions-framework/build/src/main.js', import.meta.url));

/**
 * OpenFaaS's of-watchdog: a binary the registries do not serve, kept beside the project
 * (`../shared/peers/of-watchdog/`, see its README) or named by FNGRAPH_BENCH_OF_WATCHDOG.
 */
const OF_WATCHDOG = resolve(process.env.FNGRAPH_BENCH_OF_WATCHDOG ?? fileURLToPath(new URL('../../../shared/peers/of-watchdog/of-watchdog', import.meta.url)));

/** Resolves once `url` answers HTTP (whatever the status, or 200 only with `ok`). */
async function answering(url, child, { ok = false } = {}) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.failure) throw child.failure;
    if (child.exitCode !== null) throw new Error(`baseline exited (${child.exitCode})`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (!ok || response.status === 200) return;
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`baseline at ${url} did not answer`);
}

async function startPinned(args, { cwd, port, command = process.execPath, env = {}, readyWhenOk = false }) {
  const child = spawn('taskset', ['-c', String(SERVER_CPU), command, ...args], {
    cwd,
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production', ...env },
    stdio: 'ignore',
    detached: true,
  });
  // Not started at all (a missing folder or binary): said by `answering`.
  child.once('error', (error) => (child.failure = error));
  await answering(`http://127.0.0.1:${port}/`, child, { ok: readyWhenOk });
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    // The whole group: of-watchdog's upstream process goes with it.
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = (signal) => {
          try {
            process.kill(-child.pid, signal);
          } catch {
            // Gone already.
          }
        };
        const forced = setTimeout(() => kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(forced);
          kill('SIGKILL');
          resolve();
        });
        kill('SIGTERM');
      }),
  };
}

/** The trivial handler in a plain `http` server: the physical limit here. */
export function startPlainHttp(port) {
  return startPinned([PLAIN], { port });
}

/** The trivial handler under @google-cloud/functions-framework. */
export function startFunctionsFramework(port) {
  return startPinned([FF_MAIN, '--target=handler', '--source=index.cjs', `--port=${port}`], { cwd: FF_DIR, port });
}

/** Why the of-watchdog peer cannot run here, or null when it can. */
export function ofWatchdogMissing() {
  return existsSync(OF_WATCHDOG) ? null : `no of-watchdog binary at ${OF_WATCHDOG} (set FNGRAPH_BENCH_OF_WATCHDOG to its path): the peer is skipped`;
}

/**
 * OpenFaaS's per-function data plane as its Node templates run it: of-watchdog in `http`
 * mode proxying each request to a long-lived Node http server (`upstream.js` beside the
 * binary, the same trivial handler, this Node.js). Both pinned to the server CPU.
 */
export async function startOfWatchdog(port) {
  const upstreamPort = await freePort();
  const upstream = resolve(dirname(OF_WATCHDOG), 'upstream.js');
  return startPinned([], {
    command: OF_WATCHDOG,
    cwd: dirname(OF_WATCHDOG),
    port,
    readyWhenOk: true,
    env: {
      mode: 'http',
      port: String(port),
      upstream_url: `http://127.0.0.1:${upstreamPort}`,
      fprocess: `${process.execPath} ${upstream}`,
      UPSTREAM_PORT: String(upstreamPort),
    },
  });
}
