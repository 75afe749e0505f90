// Memory: the server idle and under load, and a warm process sandbox against a bare
// `node` process doing nothing.
import { spawn } from 'node:child_process';
import { commandOf, descendants, rssBytes } from '../lib/procfs.mjs';
import { registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU, wrk } from '../lib/wrk.mjs';

const MiB = 1024 * 1024;
const mib = (bytes) => (bytes === null ? null : Math.round((bytes / MiB) * 10) / 10);

async function bareNodeRss() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: {}, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  const rss = rssBytes(child.pid);
  child.kill('SIGKILL');
  return rss;
}

/** The shim processes (the interpreters, not bwrap) under the server. */
function sandboxRss(serverPid) {
  return descendants(serverPid)
    .filter((pid) => commandOf(pid).some((arg) => arg.endsWith('shim.cjs')) && !commandOf(pid)[0]?.endsWith('bwrap'))
    .map(rssBytes)
    .filter((rss) => rss !== null);
}

export async function footprintScenario({ serverEnv, seconds }) {
  const server = await startServer({ ...serverEnv, FNGRAPH_EXECUTOR: 'process' }, { cpu: SERVER_CPU });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssBytes(server.pid);
    await registerFunction(server.url, 'trivial', 'export default async () => ({ ok: true });', {}, server.headers);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid) ?? 0)), 200);
    await wrk(`${server.url}/fn/trivial`, { connections: 32, seconds });
    clearInterval(sampler);
    const sandboxes = sandboxRss(server.pid);
    const bare = await bareNodeRss();
    const perSandbox = sandboxes.length ? sandboxes.reduce((a, b) => a + b, 0) / sandboxes.length : null;
    return {
      unit: 'MiB',
      rows: [
        { measure: 'server RSS, idle', value: mib(idle) },
        { measure: 'server RSS, peak under load (c32)', value: mib(peak) },
        { measure: `warm process sandbox RSS (mean of ${sandboxes.length})`, value: mib(perSandbox) },
        { measure: 'bare node process RSS (baseline)', value: mib(bare) },
      ],
      ratios: { 'sandbox / bare node': perSandbox && bare ? Math.round((perSandbox / bare) * 100) / 100 : null },
    };
  } finally {
    await server.stop();
  }
}
