// Cold starts: the first invocation of a newly registered function, and the first one
// after its idle sandbox was reaped, per executor. Baselines: spawning `node -e` with a
// clean environment until it answers, and (Docker) Engine API create + start of the
// runtime image until its first output.
import { spawn } from 'node:child_process';
import { graphql, nowMs, registerFunction, startServer } from '../lib/server.mjs';
import { summarize } from '../lib/stats.mjs';
import { SERVER_CPU } from '../lib/wrk.mjs';

const HANDLER = 'export default async () => ({ ok: true });';

/** Time until a fresh `node -e` prints its first byte. */
function nodeSpawnOnce() {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn('taskset', ['-c', String(SERVER_CPU), process.execPath, '-e', "process.stdout.write('ready')"], {
      env: {},
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.once('data', () => resolve(nowMs() - started));
    child.once('error', reject);
  });
}

/**
 * Time for the Docker Engine API to create and start the Node runtime image, with the
 * same container settings the Docker executor uses, until the container's first output.
 */
async function dockerStartOnce(docker, sequence) {
  const { containerSpec } = await import('../../dist/adapters/sandbox/docker/container-spec.js');
  const started = nowMs();
  const container = await docker.createContainer(
    containerSpec({
      name: `fngraph-bench-baseline-${process.pid}-${sequence}`,
      image: 'fngraph/runtime-node:24',
      command: ['node', '-e', "process.stdout.write('ready')"],
      user: '10001:10001',
      memoryLimitMb: 128,
      cpus: 1,
      pidsLimit: 64,
      tmpMb: 64,
      shimsDir: new URL('../../dist/modules/runtimes/shims', import.meta.url).pathname,
      dependenciesDir: null,
      labels: {},
    }),
  );
  const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const firstOutput = new Promise((resolve) => stream.once('data', resolve));
  await container.start();
  await firstOutput;
  const elapsed = nowMs() - started;
  await container.remove({ force: true });
  return elapsed;
}

async function firstInvocation(server, name) {
  const started = nowMs();
  const response = await fetch(`${server.url}/fn/${name}`, { headers: server.headers });
  await response.text();
  const elapsed = nowMs() - started;
  const id = response.headers.get('x-fngraph-invocation-id');
  const { invocation } = await graphql(server.url, 'query($id: ID!) { invocation(id: $id) { coldStart initDurationMs } }', { id }, server.headers);
  if (!invocation.coldStart) throw new Error(`invocation ${id} of ${name} was expected to be cold`);
  return { elapsed, init: invocation.initDurationMs };
}

/** With generic sandboxes waiting (`FNGRAPH_PREWARM_SANDBOXES`), the first call of each new function. */
async function prewarmedFirstCalls(executor, samples, serverEnv) {
  const server = await startServer({ ...serverEnv, FNGRAPH_EXECUTOR: executor, FNGRAPH_PREWARM_SANDBOXES: 'nodejs24:128=2' }, { cpu: SERVER_CPU });
  try {
    const times = [];
    for (let i = 0; i < samples; i++) {
      // Time for the pool to start the replacement of the sandbox the last call took.
      await new Promise((r) => setTimeout(r, executor === 'docker' ? 1500 : 600));
      const name = `warm-${executor}-${i}`;
      await registerFunction(server.url, name, HANDLER, {}, server.headers);
      times.push((await firstInvocation(server, name)).elapsed);
    }
    return times;
  } finally {
    await server.stop();
  }
}

export async function coldStartScenario({ executors, samples, serverEnv }) {
  const rows = [];
  const nodeSpawn = [];
  for (let i = 0; i < samples; i++) nodeSpawn.push(await nodeSpawnOnce());
  rows.push({ target: 'node -e, clean environment (baseline)', ...summarize(nodeSpawn) });
  if (executors.includes('docker')) {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker();
    const starts = [];
    for (let i = 0; i < samples; i++) starts.push(await dockerStartOnce(docker, i));
    rows.push({ target: 'Docker Engine API create + start (baseline)', ...summarize(starts) });
  }
  for (const executor of executors) {
    const server = await startServer({ ...serverEnv, FNGRAPH_EXECUTOR: executor, FNGRAPH_SANDBOX_IDLE_SECONDS: '1' }, { cpu: SERVER_CPU });
    try {
      const afterRegistration = [];
      const afterReap = [];
      const init = [];
      for (let i = 0; i < samples; i++) {
        const name = `cold-${executor}-${i}`;
        await registerFunction(server.url, name, HANDLER, {}, server.headers);
        const first = await firstInvocation(server, name);
        afterRegistration.push(first.elapsed);
        init.push(first.init);
      }
      // Reap: the idle limit is 1 s and the reaper runs every second.
      await new Promise((r) => setTimeout(r, 2500));
      for (let i = 0; i < samples; i++) afterReap.push((await firstInvocation(server, `cold-${executor}-${i}`)).elapsed);
      rows.push({ target: `fngraph ${executor}: first call after registration`, ...summarize(afterRegistration) });
      rows.push({ target: `fngraph ${executor}: sandbox start + load (initDurationMs)`, ...summarize(init) });
      rows.push({ target: `fngraph ${executor}: first call after the pool was reaped`, ...summarize(afterReap) });
    } finally {
      await server.stop();
    }
    rows.push({
      target: `fngraph ${executor}: first call of a new function, pre-warmed pool`,
      ...summarize(await prewarmedFirstCalls(executor, samples, serverEnv)),
    });
  }
  const p50 = (target) => rows.find((r) => r.target === target)?.p50;
  const ratios = executors.map((executor) => ({
    executor,
    'first call / baseline (p50)':
      Math.round(
        (p50(`fngraph ${executor}: first call after registration`) /
          p50(executor === 'docker' ? 'Docker Engine API create + start (baseline)' : 'node -e, clean environment (baseline)')) *
          100,
      ) / 100,
    'first call with pre-warmed pool, p50 ms': p50(`fngraph ${executor}: first call of a new function, pre-warmed pool`),
  }));
  return { unit: 'ms', rows, ratios };
}
