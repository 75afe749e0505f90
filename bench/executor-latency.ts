// Cold-start and warm invocation latency of each executor, end to end through a real
// server and `GET /fn/:name` on loopback (trivial handler, 128 MB, sequential calls).
//
//   node --import ./bench/register-ts.mjs bench/executor-latency.ts [--executors process,docker] [--cold 25] [--warm 300]
//
// Writes bench/results/executor-latency.json. Absolute numbers depend on the machine;
// compare executors and cold/warm ratios on one machine.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AppConfig } from '@/config/app-config.js';
import { createServer, startServer } from '@/server.js';
import { register } from '../test/support/functions.js';
import { dockerAnswers } from '../test/support/docker.js';

const HANDLER = 'export default async (event) => ({ ok: true, path: event.path })';

const { values } = parseArgs({
  options: {
    executors: { type: 'string', default: 'process,docker' },
    cold: { type: 'string', default: '25' },
    warm: { type: 'string', default: '300' },
  },
});
const COLD = Number(values.cold);
const WARM = Number(values.warm);

interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    median: round(at(0.5)),
    p95: round(at(0.95)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
  };
}

/** One GET, timed from request to the last body byte; returns the server's invocation id. */
async function timedCall(url: string, name: string): Promise<{ ms: number; invocationId: string }> {
  const started = performance.now();
  const response = await fetch(`${url}/fn/${name}`);
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
  return { ms, invocationId: response.headers.get('x-fngraph-invocation-id') ?? '' };
}

async function initDuration(url: string, invocationId: string): Promise<number> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query($id: ID!) { invocation(id: $id) { coldStart initDurationMs } }', variables: { id: invocationId } }),
  });
  const { data } = (await response.json()) as { data: { invocation: { coldStart: boolean; initDurationMs: number } } };
  if (!data.invocation.coldStart) throw new Error(`invocation ${invocationId} was not a cold start`);
  return data.invocation.initDurationMs;
}

async function measure(executor: 'process' | 'docker'): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-bench-'));
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    FNGRAPH_EXECUTOR: executor,
  });
  const app = await createServer(config);
  const url = await startServer(app, config);
  try {
    // Cold: the first invocation of a version never run before starts its sandbox.
    const coldMs: number[] = [];
    const coldInitMs: number[] = [];
    for (let i = 0; i < COLD; i++) {
      const name = `bench-cold-${i}`;
      await register(url, name, HANDLER);
      const { ms, invocationId } = await timedCall(url, name);
      coldMs.push(ms);
      coldInitMs.push(await initDuration(url, invocationId));
    }
    // Warm: one sandbox, reused; a few calls first so the JIT and the pool settle.
    await register(url, 'bench-warm', HANDLER);
    for (let i = 0; i < 20; i++) await timedCall(url, 'bench-warm');
    const warmMs: number[] = [];
    for (let i = 0; i < WARM; i++) warmMs.push((await timedCall(url, 'bench-warm')).ms);
    const cold = summarise(coldMs);
    const warm = summarise(warmMs);
    return {
      coldStartEndToEndMs: cold,
      coldStartInitDurationMs: summarise(coldInitMs),
      warmEndToEndMs: warm,
      coldOverWarmMedian: Math.round((cold.median / warm.median) * 10) / 10,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function tryCommand(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const executor of values.executors.split(',').map((e) => e.trim())) {
    if (executor !== 'process' && executor !== 'docker') throw new Error(`unknown executor ${executor}`);
    if (executor === 'docker' && !(await dockerAnswers())) {
      results.docker = { skipped: 'no Docker engine answers' };
      continue;
    }
    process.stdout.write(`measuring ${executor}: ${COLD} cold starts, ${WARM} warm invocations...\n`);
    results[executor] = await measure(executor);
    process.stdout.write(`${JSON.stringify(results[executor], null, 2)}\n`);
  }
  const report = {
    command: `node --import ./bench/register-ts.mjs bench/executor-latency.ts --executors ${values.executors} --cold ${COLD} --warm ${WARM}`,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
      kernel: release(),
      node: process.version,
      bubblewrap: tryCommand('bwrap', ['--version']),
      docker: tryCommand('docker', ['version', '--format', '{{.Server.Version}}']),
    },
    handler: HANDLER,
    results,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/executor-latency.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write('wrote bench/results/executor-latency.json\n');
}

await main();
