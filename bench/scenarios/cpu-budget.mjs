// Where a warm invocation's time goes, by stage: the server under `--cpu-prof` (pinned to
// the server CPU, as in the warm scenario) while wrk calls a trivial function. Stages are
// the profile's busy time per call (`cpu-stages.mjs`); beside them, the CPU time per call
// of the server, of its sandboxes and of the rest of the core, from /proc. Server and
// sandboxes share one core: a sandbox woken by the server's write to it often runs before
// that write returns, so "dispatch" holds much of the sandbox's time too. The profiler
// slows the server by ~10 %: compare stages within a run.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGE_NAMES, stageTimes } from '../lib/cpu-stages.mjs';
import { cpuBusySeconds, cpuSeconds, dockerContainersCpuSeconds, treeCpuSeconds } from '../lib/procfs.mjs';
import { registerFunction, startServer } from '../lib/server.mjs';
import { SERVER_CPU, wrk } from '../lib/wrk.mjs';

const TRIVIAL = 'export default async () => ({ ok: true });';

/** CPU seconds of the sandboxes: the server's child processes, or the Docker containers (0 where unreadable). */
function sandboxCpuSeconds(executor, serverPid) {
  if (executor === 'docker') return dockerContainersCpuSeconds() ?? 0;
  return treeCpuSeconds(serverPid) - (cpuSeconds(serverPid) ?? 0);
}

/** Profiles one load point; the .cpuprofile is kept as `bench/results/profile-<executor>-c<connections>.cpuprofile`. */
export async function profileWarmPath({ executor, connections, seconds, concurrency = 1, serverEnv = {} }) {
  const profileDir = mkdtempSync(join(tmpdir(), 'fngraph-profile-'));
  const serverStarted = Date.now();
  const server = await startServer(
    { ...serverEnv, FNGRAPH_EXECUTOR: executor, NODE_ENV: 'production' },
    { cpu: SERVER_CPU, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
  );
  let loadStarted;
  let load;
  let cpu;
  try {
    await registerFunction(server.url, 'trivial', TRIVIAL, { executionConfig: { concurrency } }, server.headers);
    await wrk(`${server.url}/fn/trivial`, { connections: 8, seconds: 2 });
    const before = { core: cpuBusySeconds(SERVER_CPU), server: cpuSeconds(server.pid), sandboxes: sandboxCpuSeconds(executor, server.pid) };
    loadStarted = Date.now();
    load = await wrk(`${server.url}/fn/trivial`, { connections, seconds });
    const serverCpu = cpuSeconds(server.pid) - before.server;
    cpu = { core: cpuBusySeconds(SERVER_CPU) - before.core, server: serverCpu, sandboxes: sandboxCpuSeconds(executor, server.pid) - before.sandboxes };
  } finally {
    await server.stop();
  }
  const name = `profile-${executor}-c${connections}${concurrency > 1 ? `-concurrency${concurrency}` : ''}`;
  const profilePath = new URL(`../results/${name}.cpuprofile`, import.meta.url).pathname;
  copyFileSync(
    join(
      profileDir,
      readdirSync(profileDir).find((file) => file.endsWith('.cpuprofile')),
    ),
    profilePath,
  );
  rmSync(profileDir, { recursive: true, force: true });
  const { busyUs, stages } = stageTimes(profilePath, { skipSeconds: (loadStarted - serverStarted) / 1000 });
  const perCall = (seconds) => Math.round((seconds * 1e6 * 10) / load.answered) / 10;
  const stageRows = STAGE_NAMES.map((stage) => ({
    stage,
    share: Math.round((stages[stage] / busyUs) * 1000) / 10,
    usPerCall: perCall(stages[stage] / 1e6),
  }));
  return {
    name,
    profilePath,
    load,
    skipSeconds: (loadStarted - serverStarted) / 1000,
    perCall: {
      profiledBusy: perCall(busyUs / 1e6),
      server: perCall(cpu.server),
      sandboxes: perCall(cpu.sandboxes),
      restOfCore: perCall(Math.max(0, cpu.core - cpu.server - cpu.sandboxes)),
      core: perCall(cpu.core),
    },
    stages: stageRows,
  };
}

/** The per-stage budget of the warm path, per executor at 1 and 32 connections, and at 32 with the function's concurrency 32. */
export async function cpuBudgetScenario({ executors, seconds, serverEnv }) {
  const rows = [];
  for (const executor of executors) {
    for (const [connections, concurrency] of [
      [1, 1],
      [32, 1],
      [32, 32],
    ]) {
      const profile = await profileWarmPath({ executor, connections, concurrency, seconds, serverEnv });
      rows.push({
        executor,
        connections,
        'function concurrency': concurrency,
        'inv/s (profiled)': profile.load.requestsPerSecond,
        ...Object.fromEntries(profile.stages.map((row) => [row.stage, row.usPerCall])),
        'profiled busy µs': profile.perCall.profiledBusy,
        'server CPU µs': profile.perCall.server,
        'sandbox CPU µs': profile.perCall.sandboxes,
        'rest of core µs': profile.perCall.restOfCore,
        'core CPU µs': profile.perCall.core,
      });
    }
  }
  return { unit: 'µs per invocation: stages from the profile, CPU from /proc', rows };
}
