// The baselines each scenario compares fngraph against, started the same way as the
// server under test (pinned to the server CPU).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_CPU } from './wrk.mjs';

const PLAIN = fileURLToPath(new URL('../baselines/plain-http.mjs', import.meta.url));
const FF_DIR = fileURLToPath(new URL('../baselines/functions-framework/', import.meta.url));
const FF_MAIN = fileURLToPath(new URL('../../node_modules/@google-cloud/functions-framework/build/src/main.js', import.meta.url));

/** Resolves once `url` answers HTTP (whatever the status). */
async function answering(url, child) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`baseline exited (${child.exitCode})`);
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`baseline at ${url} did not answer`);
}

async function startPinned(args, { cwd, port }) {
  const child = spawn('taskset', ['-c', String(SERVER_CPU), process.execPath, ...args], {
    cwd,
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  await answering(`http://127.0.0.1:${port}/`, child);
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
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
