// `npm run bench`: every scenario with its baselines, in one run on this machine.
// Writes bench/results/latest.json and latest.md; a run of some scenarios only, or a
// --quick one, writes partial.json and partial.md instead, so `latest` is always complete.
// Usage: node bench/run.mjs [--scenarios warm,cpu-budget,cold-start,log-latency,registration,footprint,durability]
//                           [--executors process,docker] [--quick]
// Needs `npm run build`, wrk and taskset; Redis/MongoDB (REDIS_URL, MONGODB_URI) for the
// cross-node log scenario and a Docker engine with the runtime images for the Docker one.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { table } from './lib/markdown.mjs';
import { writeResults } from './lib/results.mjs';
import { sharedServerEnv } from './lib/server.mjs';
import { coldStartScenario } from './scenarios/cold-start.mjs';
import { cpuBudgetScenario } from './scenarios/cpu-budget.mjs';
import { durabilityScenario } from './scenarios/durability.mjs';
import { footprintScenario } from './scenarios/footprint.mjs';
import { logLatencyScenario } from './scenarios/log-latency.mjs';
import { registrationScenario } from './scenarios/registration.mjs';
import { warmScenario } from './scenarios/warm.mjs';

const ALL_SCENARIOS = 'warm,cpu-budget,cold-start,log-latency,registration,footprint,durability';
const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: ALL_SCENARIOS },
    executors: { type: 'string', default: process.env.FNGRAPH_BENCH_EXECUTORS ?? 'process,docker' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const executors = values.executors.split(',').filter(Boolean);
const serverEnv = sharedServerEnv();
const scenarios = {
  warm: () => warmScenario({ executors, seconds: quick ? 3 : 8, rounds: quick ? 1 : 2, serverEnv }),
  'cpu-budget': () => cpuBudgetScenario({ executors, seconds: quick ? 3 : 6, serverEnv }),
  'cold-start': () => coldStartScenario({ executors, samples: quick ? 5 : 20, serverEnv }),
  'log-latency': () =>
    logLatencyScenario({
      lines: 1000,
      modes: process.env.REDIS_URL && process.env.MONGODB_URI ? ['in-process', 'redis'] : ['in-process'],
      serverEnv,
      redisUrl: process.env.REDIS_URL,
      mongodbUri: process.env.MONGODB_URI,
    }),
  registration: () => registrationScenario({ count: quick ? 20 : 100, serverEnv }),
  footprint: () => footprintScenario({ serverEnv, seconds: quick ? 3 : 5 }),
  durability: () => {
    if (!process.env.REDIS_URL || !process.env.MONGODB_URI) return { skipped: 'needs REDIS_URL and MONGODB_URI (scripts/bench starts them)', rows: [] };
    return durabilityScenario({ seconds: quick ? 10 : 60, connections: 16, serverEnv, redisUrl: process.env.REDIS_URL, mongodbUri: process.env.MONGODB_URI });
  },
};

const results = {};
const started = Date.now();
for (const name of values.scenarios.split(',')) {
  if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
  const t0 = Date.now();
  process.stdout.write(`==> ${name}\n`);
  results[name] = await scenarios[name]();
  results[name].seconds = Math.round((Date.now() - t0) / 1000);
  for (const key of ['rows', 'ratios']) if (results[name][key]) console.table(results[name][key]);
}

const complete = !quick && values.scenarios === ALL_SCENARIOS;
const resultsName = complete ? 'latest' : 'partial';
const file = writeResults(resultsName, { executors, quick, totalSeconds: Math.round((Date.now() - started) / 1000), scenarios: results });
const markdown = [
  `# fngraph benchmarks`,
  '',
  `Run ${new Date().toISOString()} on ${process.arch}, ${(await import('node:os')).cpus().length} CPUs, Node ${process.version}. Server pinned to CPU 0, load generator (wrk) to CPU 1.`,
  '',
  ...Object.entries(results).flatMap(([name, result]) => [
    `## ${name}${result.unit ? ` (${result.unit})` : ''}`,
    '',
    ...(result.skipped ? [`Skipped: ${result.skipped}.`, ''] : []),
    ...(result.note ? [`Note: ${result.note}.`, ''] : []),
    table(result.rows),
    '',
    ...(result.ratios ? [table(Array.isArray(result.ratios) ? result.ratios : [result.ratios]), ''] : []),
  ]),
].join('\n');
writeFileSync(new URL(`./results/${resultsName}.md`, import.meta.url), markdown);
console.log(`written to ${file} and bench/results/${resultsName}.md`);
