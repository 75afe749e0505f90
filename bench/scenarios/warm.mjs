// Warm invocation: a trivial handler through /fn/:name, per executor, at concurrency 1
// and 32, against the same handler in a plain http server and in functions-framework.
import { startFunctionsFramework, startPlainHttp } from '../lib/baselines.mjs';
import { freePort } from '../lib/ports.mjs';
import { registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU, wrk } from '../lib/wrk.mjs';

const TRIVIAL = 'export default async () => ({ ok: true });';
const CONCURRENCY = [1, 32];

async function load(target, url, seconds) {
  const rows = [];
  await wrk(url, { connections: 8, seconds: 2 }); // warm-up: JIT, sandboxes, connections
  for (const connections of CONCURRENCY) rows.push({ target, ...(await wrk(url, { connections, seconds })) });
  return rows;
}

export async function warmScenario({ executors, seconds, serverEnv }) {
  const rows = [];
  for (const [target, start] of [
    ['plain node http (baseline)', startPlainHttp],
    ['functions-framework (peer)', startFunctionsFramework],
  ]) {
    const baseline = await start(await freePort());
    try {
      rows.push(...(await load(target, baseline.url, seconds)));
    } finally {
      await baseline.stop();
    }
  }
  for (const executor of executors) {
    const server = await startServer({ ...serverEnv, FNGRAPH_EXECUTOR: executor }, { cpu: SERVER_CPU });
    try {
      await registerFunction(server.url, 'trivial', TRIVIAL, {}, server.headers);
      rows.push(...(await load(`fngraph ${executor} executor`, `${server.url}/fn/trivial`, seconds)));
    } finally {
      await server.stop();
    }
  }
  const find = (target, connections) => rows.find((r) => r.target === target && r.connections === connections);
  const ratios = executors.map((executor) => {
    const ours = find(`fngraph ${executor} executor`, 32);
    return {
      executor,
      'c32 vs plain http': round(ours.requestsPerSecond / find('plain node http (baseline)', 32).requestsPerSecond),
      'c32 vs functions-framework': round(ours.requestsPerSecond / find('functions-framework (peer)', 32).requestsPerSecond),
      'c1 p50 ms': find(`fngraph ${executor} executor`, 1).p50Ms,
    };
  });
  return { rows, ratios };
}

function round(value) {
  return Math.round(value * 100) / 100;
}
