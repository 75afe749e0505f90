// Live log latency on its own (also part of `npm run bench`).
// Usage: node bench/log-latency.mjs [--lines 1000] [--modes in-process,redis]
// Needs `npm run build`; the redis mode needs REDIS_URL and MONGODB_URI.
import { parseArgs } from 'node:util';
import { writeResults } from './lib/results.mjs';
import { sharedServerEnv } from './lib/server.mjs';
import { logLatencyScenario } from './scenarios/log-latency.mjs';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '1000' }, modes: { type: 'string', default: 'in-process,redis' } },
});
const result = await logLatencyScenario({
  lines: Number(values.lines),
  modes: values.modes.split(','),
  serverEnv: sharedServerEnv(),
  redisUrl: process.env.REDIS_URL,
  mongodbUri: process.env.MONGODB_URI,
});
console.table(result.rows);
console.log(`written to ${writeResults('log-latency', result)}`);
