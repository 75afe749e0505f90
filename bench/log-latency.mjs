// Live log latency: a function prints lines carrying the time they were printed; a
// graphql-ws subscriber (functionLogs) records when each arrives.
//   in-process: one node, in-process events (the embedded default)
//   redis:      two nodes on one Redis and one MongoDB; the function runs on node B,
//               the subscriber is connected to node A
// Usage: node bench/log-latency.mjs [--lines 1000] [--modes in-process,redis]
// Needs `npm run build`; the redis mode needs REDIS_URL and MONGODB_URI.
import { parseArgs } from 'node:util';
import { nowMs, registerFunction, startServer, wsClient, graphql } from './lib/server.mjs';
import { summarize } from './lib/stats.mjs';
import { writeResults } from './lib/results.mjs';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '1000' }, modes: { type: 'string', default: 'in-process,redis' } },
});
const LINES = Number(values.lines);

const PRINTER = `
export default async () => {
  for (let i = 0; i < ${LINES}; i++) {
    console.log(String(performance.timeOrigin + performance.now()));
    // Spread the lines out: this measures latency, not the throughput of a burst.
    if (i % 2 === 1) await new Promise((r) => setTimeout(r, 1));
  }
  return 'printed';
};`;

async function measure(subscriberNode, executingNode) {
  await registerFunction(executingNode.url, 'printer', PRINTER, { executionConfig: { timeout: 120 } });
  // Warm the sandbox so the run measures log delivery, not a cold start.
  await fetch(`${executingNode.url}/fn/printer`);
  const { functionByName } = await graphql(subscriberNode.url, '{ functionByName(name: "printer") { id } }');
  const client = wsClient(subscriberNode.url);
  const latencies = [];
  const done = new Promise((resolve, reject) => {
    client.subscribe(
      { query: 'subscription($f: ID!) { functionLogs(functionId: $f) { message } }', variables: { f: functionByName.id } },
      {
        next: ({ data }) => {
          latencies.push(nowMs() - Number(data.functionLogs.message));
          if (latencies.length === LINES) resolve();
        },
        error: reject,
        complete: resolve,
      },
    );
  });
  // functionLogs is live-only: give the subscription time to be active before printing.
  await new Promise((r) => setTimeout(r, 300));
  await fetch(`${executingNode.url}/fn/printer`);
  await done;
  await client.dispose();
  return summarize(latencies);
}

const results = {};
const modes = values.modes.split(',');
if (modes.includes('in-process')) {
  const node = await startServer();
  try {
    results['in-process'] = await measure(node, node);
  } finally {
    await node.stop();
  }
}
if (modes.includes('redis')) {
  if (!process.env.REDIS_URL || !process.env.MONGODB_URI) throw new Error('the redis mode needs REDIS_URL and MONGODB_URI');
  const database = `fngraph_bench_${Date.now()}`;
  const env = { REDIS_URL: process.env.REDIS_URL, MONGODB_URI: `${process.env.MONGODB_URI.replace(/\/?$/, '/')}${database}`, FNGRAPH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  try {
    results['redis, other node'] = await measure(a, b);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const file = writeResults('log-latency', { unit: 'ms from console.log in the function to the subscriber', lines: LINES, results });
console.table(results);
console.log(`written to ${file}`);
