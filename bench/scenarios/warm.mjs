// Warm invocation: a trivial handler through /fn/:name, per executor, at concurrency 1 and
// 32, beside the same handler in a plain http server, in functions-framework and behind
// OpenFaaS's of-watchdog. Targets take turns within each round (interleaved rounds), so a
// slow spell of this shared machine falls on all of them; rows are the mean over rounds.
import { ofWatchdogMissing, startFunctionsFramework, startOfWatchdog, startPlainHttp } from '../lib/baselines.mjs';
import { freePort } from '../lib/ports.mjs';
import { cpuBusySeconds, dockerContainersCpuSeconds, treeCpuSeconds } from '../lib/procfs.mjs';
import { registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU, wrk } from '../lib/wrk.mjs';

const TRIVIAL = 'export default async () => ({ ok: true });';
const CONCURRENCY = [1, 32];
const PLAIN = 'plain node http (baseline)';
const FUNCTIONS_FRAMEWORK = 'functions-framework (peer)';
const OF_WATCHDOG = 'OpenFaaS of-watchdog, http mode (peer)';
/** Function settings: one invocation per sandbox (the default), or many in flight in each (`executionConfig.concurrency`). */
const FUNCTION_CONCURRENCY = [1, 32];
const fngraphTarget = (executor, concurrency) => `fngraph ${executor} executor${concurrency > 1 ? `, concurrency ${concurrency}` : ''}`;

/** One load point, with the CPU it cost: the whole server core, and the target's own processes (`ownCpu`). */
async function measure(target, url, ownCpu, connections, seconds) {
  const core = cpuBusySeconds(SERVER_CPU);
  const own = ownCpu();
  const result = await wrk(url, { connections, seconds });
  const perCallUs = (cpuSeconds) => (result.answered > 0 ? Math.round((cpuSeconds * 1e6) / result.answered) : null);
  return { target, ...result, coreCpuUsPerCall: perCallUs(cpuBusySeconds(SERVER_CPU) - core), ownCpuUsPerCall: perCallUs(ownCpu() - own) };
}

async function load(target, url, ownCpu, seconds) {
  await wrk(url, { connections: 8, seconds: 2 }); // warm-up: JIT, sandboxes, connections
  const rows = [];
  for (const connections of CONCURRENCY) rows.push(await measure(target, url, ownCpu, connections, seconds));
  return rows;
}

function targets({ executors, serverEnv }) {
  const baseline = (name, start) => ({
    name,
    async run(seconds) {
      const started = await start(await freePort());
      try {
        return await load(name, started.url, () => treeCpuSeconds(started.pid), seconds);
      } finally {
        await started.stop();
      }
    },
  });
  const fngraph = (executor, concurrency) => ({
    name: fngraphTarget(executor, concurrency),
    async run(seconds) {
      const server = await startServer({ ...serverEnv, FNGRAPH_EXECUTOR: executor }, { cpu: SERVER_CPU });
      try {
        await registerFunction(server.url, 'trivial', TRIVIAL, { executionConfig: { concurrency } }, server.headers);
        // Containers run outside the server's process tree.
        const ownCpu = () => treeCpuSeconds(server.pid) + (executor === 'docker' ? (dockerContainersCpuSeconds() ?? 0) : 0);
        return await load(fngraphTarget(executor, concurrency), `${server.url}/fn/trivial`, ownCpu, seconds);
      } finally {
        await server.stop();
      }
    },
  });
  return [
    baseline(PLAIN, startPlainHttp),
    baseline(FUNCTIONS_FRAMEWORK, startFunctionsFramework),
    ...(ofWatchdogMissing() ? [] : [baseline(OF_WATCHDOG, startOfWatchdog)]),
    ...executors.flatMap((executor) => FUNCTION_CONCURRENCY.map((concurrency) => fngraph(executor, concurrency))),
  ];
}

/** The mean of each measure over the rounds of one target and concurrency. */
function meanRow(samples) {
  const mean = (key) => {
    const values = samples.map((s) => s[key]).filter((v) => typeof v === 'number');
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000 : null;
  };
  const { target, connections } = samples[0];
  return {
    target,
    connections,
    requestsPerSecond: Math.round(mean('requestsPerSecond')),
    p50Ms: mean('p50Ms'),
    p90Ms: mean('p90Ms'),
    p99Ms: mean('p99Ms'),
    maxMs: Math.max(...samples.map((s) => s.maxMs)),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    coreCpuUsPerCall: Math.round(mean('coreCpuUsPerCall')),
    ownCpuUsPerCall: Math.round(mean('ownCpuUsPerCall')),
    rounds: samples.map((s) => s.requestsPerSecond).join(' / '),
  };
}

export async function warmScenario({ executors, seconds, rounds = 2, serverEnv }) {
  const skipped = ofWatchdogMissing();
  if (skipped) console.log(`warm: ${skipped}`);
  const samples = [];
  for (let round = 0; round < rounds; round++) {
    for (const target of targets({ executors, serverEnv })) samples.push(...(await target.run(seconds)));
  }
  const keys = [...new Set(samples.map((s) => `${s.target}\u0000${s.connections}`))];
  const rows = keys.map((key) => meanRow(samples.filter((s) => `${s.target}\u0000${s.connections}` === key)));
  const find = (target, connections) => rows.find((r) => r.target === target && r.connections === connections);
  const ratio = (a, b) => (a === undefined || b === undefined || !b ? null : Math.round((a / b) * 100) / 100);
  const ratios = executors.flatMap((executor) =>
    FUNCTION_CONCURRENCY.flatMap((concurrency) =>
      CONCURRENCY.map((connections) => {
        const ours = find(fngraphTarget(executor, concurrency), connections);
        const peer = find(OF_WATCHDOG, connections);
        return {
          executor,
          'function concurrency': concurrency,
          connections,
          'inv/s': ours.requestsPerSecond,
          'inv/s fngraph / of-watchdog': ratio(ours.requestsPerSecond, peer?.requestsPerSecond),
          'p50 ms': ours.p50Ms,
          'p50 fngraph / of-watchdog': ratio(ours.p50Ms, peer?.p50Ms),
          'CPU µs per call (server core)': ours.coreCpuUsPerCall,
          'CPU fngraph / of-watchdog': ratio(ours.coreCpuUsPerCall, peer?.coreCpuUsPerCall),
          'inv/s vs plain http': ratio(ours.requestsPerSecond, find(PLAIN, connections).requestsPerSecond),
          'inv/s vs functions-framework': ratio(ours.requestsPerSecond, find(FUNCTIONS_FRAMEWORK, connections).requestsPerSecond),
        };
      }),
    ),
  );
  return { rows, ratios, rounds, ...(skipped ? { note: skipped } : {}) };
}
