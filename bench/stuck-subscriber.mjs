// Backpressure: does a subscriber that never reads slow down invocations or other
// subscribers? Alternates rounds without and with stuck subscribers attached, on the
// same server, and compares invocation latency and server memory. After attaching, a
// few unmeasured invocations fill the stuck clients' socket buffers (the kernel accepts
// several MB per connection before a reader that never reads is visibly stuck); what
// is measured is the steady state after that.
// Usage: node bench/stuck-subscriber.mjs [--rounds 4] [--invocations 100] [--stuck 5] [--fill 300]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { graphql, nowMs, registerFunction, startServer, wsClient } from './lib/server.mjs';
import { summarize } from './lib/stats.mjs';
import { writeResults } from './lib/results.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    invocations: { type: 'string', default: '100' },
    stuck: { type: 'string', default: '5' },
    fill: { type: 'string', default: '300' },
  },
});
const ROUNDS = Number(values.rounds);
const INVOCATIONS = Number(values.invocations);
const STUCK = Number(values.stuck);
const FILL = Number(values.fill);

const CHATTER = `export default async () => { for (let i = 0; i < 200; i++) console.log('line ' + i + ' ' + 'x'.repeat(200)); return 'ok'; };`;

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

/** A graphql-ws client that subscribes and then never reads its socket again. */
async function stuckSubscriber(url, functionId, connectionParams) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type !== 'connection_ack') return;
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { functionLogs(functionId: "${functionId}") { message } }` } }));
      resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  socket._socket.pause();
  return socket;
}

async function round(url, invocations = INVOCATIONS) {
  const latencies = [];
  for (let i = 0; i < invocations; i++) {
    const started = nowMs();
    const response = await fetch(`${url}/fn/chatter`);
    await response.text();
    latencies.push(nowMs() - started);
  }
  return latencies;
}

const server = await startServer();
try {
  await registerFunction(server.url, 'chatter', CHATTER, {}, server.headers);
  const { functionByName } = await graphql(server.url, '{ functionByName(name: "chatter") { id } }', {}, server.headers);
  // A healthy subscriber is attached throughout and must keep receiving every line.
  const healthy = wsClient(server.url, server.connectionParams);
  let healthyLines = 0;
  healthy.subscribe(
    { query: `subscription { functionLogs(functionId: "${functionByName.id}") { message droppedBefore } }` },
    { next: () => healthyLines++, error: console.error, complete: () => undefined },
  );
  await round(server.url); // warm-up

  const without = [];
  const withStuck = [];
  const stuck = [];
  const rss = { start: rssMiB(server.pid) };
  for (let r = 0; r < ROUNDS; r++) {
    without.push(...(await round(server.url)));
    while (stuck.length < STUCK) stuck.push(await stuckSubscriber(server.url, functionByName.id, server.connectionParams));
    await round(server.url, FILL);
    withStuck.push(...(await round(server.url)));
    rss[`after round ${r + 1}`] = rssMiB(server.pid);
    for (const socket of stuck.splice(0)) socket.terminate();
  }
  await new Promise((r) => setTimeout(r, 500));
  const expectedLines = ((ROUNDS * 2 + 1) * INVOCATIONS + ROUNDS * FILL) * 200;
  const a = summarize(without);
  const b = summarize(withStuck);
  const results = {
    unit: 'ms per invocation (function printing 200 lines of ~210 bytes), sequential',
    stuckSubscribers: STUCK,
    unmeasuredFillInvocations: FILL,
    withoutStuck: a,
    withStuck: b,
    ratio: { p50: Math.round((b.p50 / a.p50) * 100) / 100, p99: Math.round((b.p99 / a.p99) * 100) / 100 },
    healthySubscriber: { received: healthyLines, expected: expectedLines },
    serverRssMiB: rss,
  };
  await healthy.dispose();
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${writeResults('stuck-subscriber', results)}`);
} finally {
  await server.stop();
}
