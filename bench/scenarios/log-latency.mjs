// Live log latency: a function prints lines carrying the time they were printed; a
// graphql-ws subscriber (functionLogs) records when each arrives.
//   in-process: one node, in-process events (the embedded default)
//   redis:      two nodes on one Redis and one MongoDB; the function runs on node B,
//               the subscriber is connected to node A
import { graphql, nowMs, registerFunction, startServer, wsClient } from '../lib/server.mjs';
import { summarize } from '../lib/stats.mjs';

function printer(lines) {
  return `
export default async () => {
  for (let i = 0; i < ${lines}; i++) {
    console.log(String(performance.timeOrigin + performance.now()));
    // Spread the lines out: this measures latency, not the throughput of a burst.
    if (i % 2 === 1) await new Promise((r) => setTimeout(r, 1));
  }
  return 'printed';
};`;
}

async function measure(subscriberNode, executingNode, lines) {
  await registerFunction(executingNode.url, 'printer', printer(lines), { executionConfig: { timeout: 120 } }, executingNode.headers);
  // Warm the sandbox so the run measures log delivery, not a cold start.
  await fetch(`${executingNode.url}/fn/printer`, { headers: executingNode.headers });
  const { functionByName } = await graphql(subscriberNode.url, '{ functionByName(name: "printer") { id } }', {}, subscriberNode.headers);
  const client = wsClient(subscriberNode.url, subscriberNode.connectionParams);
  const latencies = [];
  const done = new Promise((resolve, reject) => {
    client.subscribe(
      { query: 'subscription($f: ID!) { functionLogs(functionId: $f) { message } }', variables: { f: functionByName.id } },
      {
        next: ({ data }) => {
          latencies.push(nowMs() - Number(data.functionLogs.message));
          if (latencies.length === lines) resolve();
        },
        error: reject,
        complete: resolve,
      },
    );
  });
  // functionLogs is live-only: give the subscription time to be active before printing.
  await new Promise((r) => setTimeout(r, 300));
  await fetch(`${executingNode.url}/fn/printer`, { headers: executingNode.headers });
  await done;
  await client.dispose();
  return summarize(latencies);
}

export async function logLatencyScenario({ lines, modes, serverEnv, redisUrl, mongodbUri }) {
  const rows = [];
  if (modes.includes('in-process')) {
    const node = await startServer(serverEnv);
    try {
      rows.push({ path: 'in-process, same node', ...(await measure(node, node, lines)) });
    } finally {
      await node.stop();
    }
  }
  if (modes.includes('redis')) {
    const env = { ...serverEnv, REDIS_URL: redisUrl, MONGODB_URI: `${mongodbUri.replace(/\/?$/, '/')}fngraph_bench_${Date.now()}` };
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    try {
      rows.push({ path: 'Redis, subscriber on the other node', ...(await measure(a, b, lines)) });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  return { unit: 'ms from console.log in the function to the subscriber', lines, rows };
}
