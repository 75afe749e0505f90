// Profiles the warm invocation path: a server pinned to CPU 0 under `--cpu-prof`, wrk
// on CPU 1 against a trivial public function, then where the server's CPU time went.
// The .cpuprofile (open it in Chrome DevTools or speedscope.app for a flame graph) and a
// text summary are written to bench/results/.
// Usage: node bench/profile.mjs [--connections 32] [--seconds 10] [--executor process]
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './lib/cpu-profile.mjs';
import { registerFunction, startServer } from './lib/server.mjs';
import { SERVER_CPU, wrk } from './lib/wrk.mjs';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    executor: { type: 'string', default: 'process' },
  },
});
const profileDir = mkdtempSync(join(tmpdir(), 'fngraph-profile-'));
const serverStarted = Date.now();
const server = await startServer(
  { FNGRAPH_EXECUTOR: values.executor, NODE_ENV: 'production' },
  { cpu: SERVER_CPU, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
);
let loadStarted = 0;
let load;
try {
  await registerFunction(server.url, 'trivial', 'export default async () => ({ ok: true });', {}, server.headers);
  await wrk(`${server.url}/fn/trivial`, { connections: 8, seconds: 2 });
  loadStarted = Date.now();
  load = await wrk(`${server.url}/fn/trivial`, { connections: Number(values.connections), seconds: Number(values.seconds) });
} finally {
  await server.stop();
}
const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
const name = `profile-${values.executor}-c${values.connections}`;
const target = new URL(`./results/${name}.cpuprofile`, import.meta.url).pathname;
copyFileSync(join(profileDir, file), target);
// Only the measured load: the warm-up and start-up before it are skipped.
const summary = summarizeProfile(target, { skipSeconds: (loadStarted - serverStarted) / 1000 });
const text = [
  `wrk: ${JSON.stringify(load)}`,
  `busy: ${summary.busySeconds} s of CPU over the ${values.seconds} s of load`,
  '',
  'inclusive (with callees):',
  ...summary.inclusive.map((row) => `${String(row.share).padStart(6)}%  ${row.name}`),
  '',
  'self:',
  ...summary.self.map((row) => `${String(row.share).padStart(6)}%  ${row.name}`),
].join('\n');
writeFileSync(new URL(`./results/${name}.txt`, import.meta.url), `${text}\n`);
console.log(text);
console.log(`\nwritten to bench/results/${name}.cpuprofile and .txt`);
