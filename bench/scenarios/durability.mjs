// Durability under load: two nodes on one Redis and one MongoDB-protocol store take
// `seconds` of load (wrk against each node at once, trivial handler). Afterwards, with the
// nodes stopped (SIGTERM: drain and flush), the store must hold one SUCCEEDED record for
// every call answered 200 (stored ≥ answered; the excess is at most the calls wrk left in
// flight at its deadline), whatever the throughput. Also reports
// each node's record backlog high-water mark (fngraph_record_backlog_high_water).
import mongoose from 'mongoose';
import { graphql, registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU, wrk } from '../lib/wrk.mjs';

async function highWater(node) {
  const text = await (await fetch(`${node.url}/metrics`, { headers: node.headers })).text();
  const line = text.split('\n').find((l) => l.startsWith('fngraph_record_backlog_high_water'));
  return line ? Number(line.split(' ').at(-1)) : null;
}

export async function durabilityScenario({ seconds, connections, serverEnv, redisUrl, mongodbUri }) {
  const uri = `${mongodbUri.replace(/\/?$/, '/')}fngraph_bench_durability_${Date.now()}`;
  const env = { ...serverEnv, REDIS_URL: redisUrl, MONGODB_URI: uri, FNGRAPH_QUEUE_NAME: `bench-${Date.now()}`, FNGRAPH_METRICS: 'true' };
  const nodes = [await startServer(env, { cpu: SERVER_CPU }), await startServer(env, { cpu: SERVER_CPU })];
  const connection = await mongoose.createConnection(uri).asPromise();
  let stopped = false;
  try {
    await registerFunction(nodes[0].url, 'tiny', 'export default async () => ({ ok: true })', {}, nodes[0].headers);
    const { functionByName } = await graphql(nodes[0].url, '{ functionByName(name: "tiny") { id } }', {}, nodes[0].headers);
    // Warm both nodes' sandboxes; these calls are counted out below.
    for (const node of nodes) for (let i = 0; i < 5; i++) await fetch(`${node.url}/fn/tiny`);
    const stored = () => connection.collection('invocations').countDocuments({ functionId: functionByName.id, status: 'SUCCEEDED' });
    const before = await stored();

    const loads = await Promise.all(nodes.map((node) => wrk(`${node.url}/fn/tiny`, { connections, seconds })));
    const backlogHighWater = await Promise.all(nodes.map(highWater));
    await Promise.all(nodes.map((node) => node.stop()));
    stopped = true;
    const storedAfter = (await stored()) - before;

    const answered = loads.reduce((sum, load) => sum + load.answered, 0);
    const refused = loads.reduce((sum, load) => sum + (load.errors ?? 0), 0);
    // wrk stops counting at its deadline while up to `connections` calls per node are still in
    // flight; they finish and are stored too. Lost = answered and not stored: must be 0.
    const inFlightAtDeadline = connections * nodes.length;
    const rows = loads.map((load, i) => ({
      node: String.fromCharCode(97 + i),
      invocationsPerSecond: load.requestsPerSecond,
      answered200: load.answered,
      notAnswered: load.errors,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      backlogHighWater: backlogHighWater[i],
    }));
    return {
      unit: `${seconds} s of load on two nodes (wrk, ${connections} connections each), records counted in the store after the nodes stopped`,
      rows,
      ratios: {
        answered200: answered,
        refusedOrFailed: refused,
        recordsStored: storedAfter,
        lost: Math.max(0, answered - storedAfter),
        storedBeyondAnswered: storedAfter - answered,
        inFlightAtDeadline,
        storedPerAnswered: answered === 0 ? null : Number((storedAfter / answered).toFixed(4)),
      },
    };
  } finally {
    if (!stopped) await Promise.all(nodes.map((node) => node.stop()));
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}
