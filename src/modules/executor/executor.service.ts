import { posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ThrottledError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { ExecutionOutcome, ExecutionRequest, ExecutionTarget, InvocationErrorRecord } from './execution.types.js';
import { Autoscaler, type ScaleDecision } from './autoscaler.js';
import { GenericSandboxPool } from './generic-sandbox-pool.js';
import { type EvictionCandidate, SandboxAdmission } from './sandbox-admission.js';
import { SandboxDriver } from './sandbox-driver.js';
import { type Lease, type PooledSandbox, SandboxPool } from './sandbox-pool.js';
import { type RuntimeId, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { dependencyModulePath } from '@/modules/runtimes/dependency-layout.js';
import {
  FunctionLoadError,
  InvocationNotDeliveredError,
  isOutOfMemory,
  isOutOfMemoryError,
  SandboxExitedError,
  ShimConnection,
  shimOptions,
} from './shim-connection.js';
import { SandboxOutputStats } from './sandbox-output-stats.js';
import { formatEvent, formatResult } from './event-formats/event-format.js';
import { StreamedResponse } from './streamed-response.js';
import { denialLogLine, EgressGateways } from '@/modules/egress/egress-gateways.js';
import { EgressUnavailableError } from '@/modules/egress/network-config.js';

/** The sandbox did not finish loading the function within its timeout. */
class LoadTimeoutError extends Error {}

/**
 * Sandboxes tried for one invocation whose event never reached the function (a sandbox died
 * just before): this many started for it, plus every warm one of the pool. A warm sandbox
 * can be found dead only once it is thawed (a frozen process dies of a kill when it runs
 * again), and each one tried is gone, so the warm ones cannot loop.
 */
const DELIVERY_ATTEMPTS = 3;
/** After a failed start ahead of demand, the autoscaler waits this long before trying again. */
const PRESTART_RETRY_MS = 10_000;
/** After a call that started a sandbox, how long its recording and response get before a pre-warmed replacement starts. */
const REPLACEMENT_DELAY_MS = 50;
/** `run`'s answer when the event never reached the function: it can be sent to another sandbox. */
const UNDELIVERED = Symbol('undelivered');
/** Of a response streamed to its caller, the record keeps this much of the body. */
const STREAMED_BODY_KEPT_BYTES = 64 * 1024;

interface PoolEntry {
  pool: SandboxPool;
  functionId: string;
  target: ExecutionTarget;
  autoscaler: Autoscaler;
  decision: ScaleDecision;
  /** No start ahead of demand before this time (a previous one failed). */
  prestartAfter: number;
}

/** What the autoscaler decided for one function version, for metrics. */
export interface AutoscalingState {
  functionId: string;
  functionName: string;
  version: string;
  desired: number;
  panicking: boolean;
}

/**
 * Runs invocations in pooled, warm sandboxes (one pool per function version) and turns
 * whatever happens in the sandbox into an `ExecutionOutcome`. Knows nothing about how a
 * sandbox is isolated: that is the driver's job.
 *
 * Every `FNGRAPH_AUTOSCALE_TICK_MS` each pool's demand goes to its `Autoscaler`, and the
 * pool is brought towards the decision: sandboxes started ahead of demand, idle ones
 * beyond it stopped (which is how an unused version scales to zero after the stable
 * window). `FNGRAPH_SANDBOX_IDLE_SECONDS` stays the longest any idle sandbox beyond
 * `minInstances` lives, whatever the decision. All pools share the node-wide admission
 * (sandbox, memory and per-owner limits). Only a function's current version keeps its
 * `minInstances`: older versions' pools scale down like any idle ones.
 */
@Injectable()
export class ExecutorService implements OnModuleDestroy {
  private readonly logger = new Logger(ExecutorService.name);
  private readonly pools = new Map<string, PoolEntry>();
  private readonly ticker: NodeJS.Timeout;
  private readonly instanceListeners = new Set<(functionId: string) => void>();
  private readonly admission: SandboxAdmission;
  /** The version of each function whose `minInstances` this node keeps started, as last told by `prewarm`/`retireVersions`. */
  private readonly currentVersions = new Map<string, string>();

  constructor(
    private readonly driver: SandboxDriver,
    private readonly generic: GenericSandboxPool,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
    private readonly egress: EgressGateways,
    private readonly outputStats: SandboxOutputStats = new SandboxOutputStats(),
  ) {
    const { autoscaling } = config;
    this.admission = new SandboxAdmission({
      maxSandboxes: autoscaling.maxSandboxes,
      memoryBudgetMb: autoscaling.memoryBudgetMb,
      ownerMaxSandboxes: autoscaling.ownerMaxSandboxes,
      ownerMemoryMb: autoscaling.ownerMemoryMb,
    });
    this.ticker = setInterval(() => this.autoscale(), config.autoscaling.tickMs);
    this.ticker.unref();
  }

  get driverKind(): 'process' | 'docker' {
    return this.driver.kind;
  }

  /** Runtimes the configured driver can start on this host. */
  availableRuntimes(): Promise<RuntimeId[]> {
    return this.driver.availableRuntimes();
  }

  async execute(target: ExecutionTarget, request: ExecutionRequest): Promise<ExecutionOutcome> {
    const starts = { attempted: false };
    try {
      return await this.deliver(target, request, starts);
    } finally {
      // Pre-warmed sandboxes a start took are replaced once its call is answered and recorded, not while it runs (see `GenericSandboxPool`).
      if (starts.attempted) this.generic.refill(REPLACEMENT_DELAY_MS);
    }
  }

  /** `starts.attempted`: set when a sandbox was started for the call (or failed to start). */
  private async deliver(target: ExecutionTarget, request: ExecutionRequest, starts: { attempted: boolean }): Promise<ExecutionOutcome> {
    const pool = this.poolFor(target);
    const acquireStart = performance.now();
    let coldAttempts = 0;
    for (let attempt = 1; ; attempt++) {
      let lease;
      try {
        lease = await pool.acquire();
      } catch (error) {
        starts.attempted = true;
        if (error instanceof ThrottledError) throw error;
        return this.failedStart(error, performance.now() - acquireStart, target, request);
      }
      // Sandboxes wait in their pool frozen (see `release`): it runs again from here.
      lease.sandbox.connection.resume();
      if (attempt === 1) request.onSandboxAcquired?.({ cold: lease.cold, waitedMs: performance.now() - acquireStart });
      if (lease.cold) {
        coldAttempts++;
        starts.attempted = true;
      }
      const mayRetry = coldAttempts < DELIVERY_ATTEMPTS && attempt < DELIVERY_ATTEMPTS + target.maxInstances;
      const outcome = await this.run(pool, lease, target, request, mayRetry);
      if (outcome !== UNDELIVERED) return outcome;
      this.logger.warn(`${target.functionName}@${target.version}: the sandbox died before taking invocation ${request.invocationId}; sending it to another`);
    }
  }

  /**
   * One invocation in one sandbox. With `mayRetry`, a sandbox that died before its shim
   * took the event answers `UNDELIVERED` instead of a failure: the function never started,
   * so running the invocation elsewhere cannot run it twice.
   */
  private async run(
    pool: SandboxPool,
    { sandbox, cold }: Lease,
    target: ExecutionTarget,
    request: ExecutionRequest,
    mayRetry: boolean,
  ): Promise<ExecutionOutcome | typeof UNDELIVERED> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // Whatever else the sandbox is serving fails with it (README: "Concurrency inside a sandbox").
      sandbox.connection.kill(`invocation ${request.invocationId}, running in the same sandbox, exceeded its ${target.timeoutMs / 1000} s timeout`);
    }, target.timeoutMs);
    const { handle } = sandbox.connection;
    const base = { coldStart: cold, initDurationMs: cold ? round(sandbox.initDurationMs) : null };
    const started = performance.now();
    // Streamed to an HTTP caller, only the start is kept; collected for any other, up to the response limit.
    const stream = new StreamedResponse(request.onResponse, request.onResponse ? STREAMED_BODY_KEPT_BYTES : this.config.limits.maxResponseBytes);
    // Connections the gateway refuses while this invocation runs are lines of its logs.
    sandbox.egress?.listen((decision) => {
      if (!decision.allowed) request.onLog('system', denialLogLine(decision));
    });
    try {
      const event = formatEvent(target.eventFormat, request.event, request.context);
      const result = await sandbox.connection.invoke(request.invocationId, event, request.context, request.onLog, stream);
      const durationMs = round(performance.now() - started);
      // Peaks are over the sandbox's life so far (as "max memory used" elsewhere). The
      // shim's own figure costs nothing to get; the driver's (the whole sandbox) is read
      // when an invocation ends badly, or when the shim has none.
      const memoryPeakBytes = result.metrics?.maxRssBytes ?? (await handle.memoryPeakBytes().catch(() => null));
      const metrics = { durationMs, memoryPeakBytes, cpuTimeMs: roundOrNull(result.metrics?.cpuTimeMs) };
      if (!result.ok && isOutOfMemoryError(result.error)) {
        // Its memory is in an unknown state: not reused (whatever else runs in it fails with it).
        sandbox.connection.kill(`invocation ${request.invocationId}, running in the same sandbox, exceeded the ${target.memoryLimitMb} MB memory limit`);
        pool.release(sandbox, false);
        const message = `The function exceeded its ${target.memoryLimitMb} MB memory limit (${result.error?.type}: ${result.error?.message})`;
        return { status: 'OOM_KILLED', error: { type: 'OutOfMemory', message }, ...base, ...metrics };
      }
      this.release(pool, sandbox);
      if (result.ok && result.streamed) {
        if (stream.truncated && !request.onResponse) {
          return {
            status: 'FAILED',
            error: { type: 'ResponseTooLarge', message: `The response exceeds ${this.config.limits.maxResponseBytes} bytes` },
            ...base,
            ...metrics,
          };
        }
        return { status: 'SUCCEEDED', value: stream.value(), responseTruncated: stream.truncated, ...base, ...metrics };
      }
      if (result.ok) {
        const formatted = formatResult(target.eventFormat, result.value);
        if (formatted.ok) return { status: 'SUCCEEDED', value: formatted.value, ...base, ...metrics };
        return { status: 'FAILED', error: formatted.error, ...base, ...metrics };
      }
      return { status: 'FAILED', error: result.error ?? { type: 'Error', message: 'The function failed' }, ...base, ...metrics };
    } catch (error) {
      pool.release(sandbox, false);
      if (mayRetry && !timedOut && error instanceof InvocationNotDeliveredError) return UNDELIVERED;
      const durationMs = round(performance.now() - started);
      const memoryPeakBytes = await handle.memoryPeakBytes().catch(() => null);
      return { ...this.describeFailure(error, timedOut, target, sandbox, request), ...base, durationMs, memoryPeakBytes, cpuTimeMs: null };
    } finally {
      clearTimeout(timer);
      sandbox.egress?.listen(null);
    }
  }

  /**
   * Gives a sandbox back to its pool for reuse, frozen: whatever its function left running
   * after returning (timers, threads, a flood) gets no CPU until the next invocation takes
   * it, as Lambda freezes its execution environments. A sandbox handed straight to a waiting
   * invocation is thawed at once by `execute`.
   */
  private release(pool: SandboxPool, sandbox: PooledSandbox): void {
    sandbox.connection.pause();
    pool.release(sandbox, true);
  }

  /** What the autoscaler last decided per function version on this node. */
  autoscalingStates(): AutoscalingState[] {
    return [...this.pools.values()].map(({ functionId, target, decision }) => ({
      functionId,
      functionName: target.functionName,
      version: target.version,
      desired: decision.desired,
      panicking: decision.panicking,
    }));
  }

  /** What this node's sandboxes wrote and what became of it (floods killed, late output dropped), since start-up. */
  sandboxOutput(): Readonly<SandboxOutputStats> {
    return this.outputStats;
  }

  /** Sandboxes of function versions on this node, and the most allowed. */
  nodeSandboxes(): { inUse: number; limit: number } {
    return { inUse: this.admission.inUse.sandboxes, limit: this.admission.limits.maxSandboxes };
  }

  /** The sum of the memory limits of those sandboxes, and the node's budget, in MB. */
  nodeSandboxMemory(): { inUseMb: number; limitMb: number } {
    return { inUseMb: this.admission.inUse.memoryMb, limitMb: this.admission.limits.memoryBudgetMb };
  }

  /** What each owner with sandboxes on this node uses (sandboxes, MB), and the caps. */
  ownerSandboxes(): { owners: Array<{ ownerId: string; sandboxes: number; memoryMb: number }>; maxSandboxes: number; memoryMb: number } {
    const { limits } = this.admission;
    return { owners: this.admission.ownerUsage(), maxSandboxes: limits.ownerMaxSandboxes, memoryMb: limits.ownerMemoryMb };
  }

  /** Stops the sandboxes of every version of a deleted function. */
  evictFunction(functionId: string): void {
    this.currentVersions.delete(functionId);
    for (const [versionId, entry] of this.pools) {
      if (entry.functionId !== functionId) continue;
      entry.pool.drain();
      this.pools.delete(versionId);
    }
  }

  /**
   * Makes `currentVersionId` the function's current version on this node: every other
   * version loses its `minInstances` and scales down like any idle pool (its running
   * invocations and pinned calls go on; idle sandboxes go within the stable window or the
   * idle limit). Nothing of an old version is kept started ahead of need.
   */
  retireVersions(functionId: string, currentVersionId: string): void {
    this.currentVersions.set(functionId, currentVersionId);
    for (const [versionId, entry] of this.pools) {
      if (entry.functionId !== functionId || versionId === currentVersionId) continue;
      entry.pool.setMinInstances(0);
      entry.autoscaler.setMinInstances(0);
    }
  }

  /** Sandboxes of all versions of a function on this node. */
  functionInstances(functionId: string): { instances: number; idle: number } {
    let instances = 0;
    let idle = 0;
    for (const entry of this.pools.values()) {
      if (entry.functionId !== functionId) continue;
      instances += entry.pool.instances;
      idle += entry.pool.idleInstances;
    }
    return { instances, idle };
  }

  /** Functions whose sandboxes exist on this node. */
  activeFunctionIds(): string[] {
    return [...new Set([...this.pools.values()].map((entry) => entry.functionId))];
  }

  /** Calls `listener(functionId)` whenever that function's instances may have changed. */
  onInstancesChanged(listener: (functionId: string) => void): () => void {
    this.instanceListeners.add(listener);
    return () => this.instanceListeners.delete(listener);
  }

  /** Sandboxes per function version (and invocations they serve), for metrics and tests. */
  poolStats(versionId: string): { instances: number; idle: number; queued: number; served: number } | null {
    const entry = this.pools.get(versionId);
    return entry ? { instances: entry.pool.instances, idle: entry.pool.idleInstances, queued: entry.pool.queued, served: entry.pool.served } : null;
  }

  /** Shutdown, first step: no new sandboxes, idle ones stopped; running invocations go on. */
  onModuleDestroy(): void {
    clearInterval(this.ticker);
    for (const { pool } of this.pools.values()) pool.drain();
  }

  /** Removes sandboxes of nodes that died (see `SandboxDriver.removeOrphans`). */
  removeOrphanedSandboxes(deadNodeIds: readonly string[]): Promise<number> {
    return this.driver.removeOrphans(deadNodeIds);
  }

  /** Shutdown, last resort: kills the sandboxes still running invocations (they fail). */
  killAll(): void {
    for (const { pool } of this.pools.values()) pool.killAll();
    this.pools.clear();
  }

  private poolFor(target: ExecutionTarget): SandboxPool {
    let entry = this.pools.get(target.versionId);
    if (!entry) {
      const minInstances = this.floorOf(target);
      const pool = new SandboxPool(
        () => this.startSandbox(target),
        {
          minInstances,
          maxInstances: target.maxInstances,
          concurrency: target.concurrency,
          maxQueued: this.config.limits.maxQueuedPerFunction,
          queueTimeoutMs: this.config.limits.queueTimeoutMs,
        },
        () => this.notifyInstances(target.functionId),
        { admission: this.admission, cost: { ownerId: target.ownerId, memoryMb: target.memoryLimitMb } },
      );
      const { autoscaling } = this.config;
      const autoscaler = new Autoscaler(
        {
          stableWindowMs: autoscaling.stableWindowMs,
          panicWindowMs: autoscaling.panicWindowMs,
          panicThreshold: autoscaling.panicThreshold,
          targetConcurrency: target.concurrency,
          idleLimitMs: this.config.limits.sandboxIdleSeconds * 1000,
        },
        { minInstances, maxInstances: target.maxInstances },
        Date.now,
      );
      entry = { pool, functionId: target.functionId, target, autoscaler, decision: autoscaler.decide(0), prestartAfter: 0 };
      this.pools.set(target.versionId, entry);
      this.prestart(entry, minInstances);
    }
    return entry.pool;
  }

  /** `minInstances`, for the function's current version only (a call to an older one never keeps it warm). */
  private floorOf(target: ExecutionTarget): number {
    const current = this.currentVersions.get(target.functionId);
    return current === undefined || current === target.versionId ? target.minInstances : 0;
  }

  /**
   * Makes the target its function's current version on this node (see `retireVersions`)
   * and starts its `minInstances` sandboxes now rather than on its first invocation.
   */
  prewarm(target: ExecutionTarget): void {
    this.retireVersions(target.functionId, target.versionId);
    const pool = this.poolFor(target);
    const entry = this.pools.get(target.versionId)!;
    // A pool made by an earlier call (before this node learnt the version is current) gets its floor now.
    pool.setMinInstances(target.minInstances);
    entry.autoscaler.setMinInstances(target.minInstances);
    this.prestart(entry, target.minInstances);
  }

  /**
   * Starts a sandbox for the target, loads the function in it (module-level code runs,
   * the entry point's export is looked up) and stops it: null when it loaded, else why
   * not. Registration uses it so that a version whose module cannot load, or lacks the
   * export named, never becomes READY. The sandbox is isolated as for invocations; loading
   * is bounded by the target's timeout.
   */
  async checkLoad(target: ExecutionTarget): Promise<InvocationErrorRecord | null> {
    // The sandbox counts against the node's (and owner's) limits while it runs, idle ones giving way.
    const share: EvictionCandidate = {
      cost: { ownerId: target.ownerId, memoryMb: target.memoryLimitMb },
      evictable: () => [],
      evictOldestIdle: () => undefined,
    };
    const refusal = this.admission.tryTake(share, true);
    if (refusal) throw new Error(`No room for a sandbox to check the function in: ${refusal.message}`);
    try {
      // Started for the check alone: the pre-started generic sandboxes stay for invocations.
      const sandbox = await this.startSandbox(target, false);
      sandbox.connection.handle.kill();
      return null;
    } catch (error) {
      if (error instanceof LoadTimeoutError) return { type: 'Timeout', message: error.message };
      if (error instanceof FunctionLoadError) return error.error;
      if (error instanceof SandboxExitedError) return { type: isOutOfMemory(error) ? 'OutOfMemory' : 'SandboxError', message: error.message };
      throw error;
    } finally {
      this.admission.release(share);
    }
  }

  /** Starts sandboxes until `wanted` exist, unless a start failed recently (a function that cannot load is not restarted in a loop). */
  private prestart(entry: PoolEntry, wanted: number): void {
    if (Date.now() < entry.prestartAfter) return;
    const { target } = entry;
    entry.pool.prestart(wanted, (error) => {
      entry.prestartAfter = Date.now() + PRESTART_RETRY_MS;
      this.logger.warn(`Could not start a sandbox ahead of demand for ${target.functionName}@${target.version}: ${(error as Error).message}`);
    });
  }

  /**
   * A sandbox loaded with the version: a generic one from the pre-warmed pool when the
   * version can use one (no dependencies to mount), else one started now.
   */
  private async startSandbox(target: ExecutionTarget, mayUseGeneric = true): Promise<PooledSandbox> {
    const started = performance.now();
    // Generic sandboxes have no network: a version with network access always starts its own.
    const network = target.network?.enabled ? target.network : null;
    const generic =
      mayUseGeneric && target.dependenciesDir === null && !target.codeDir && !network ? this.generic.take(target.runtime, target.memoryLimitMb) : null;
    const egress = network ? await this.egress.open(network) : null;
    let handle;
    try {
      handle =
        generic?.connection.handle ??
        (await this.driver.start({
          runtime: target.runtime,
          memoryLimitMb: target.memoryLimitMb,
          label: `${target.functionName}@${target.version}`,
          dependenciesDir: target.dependenciesDir,
          codeDir: target.codeDir ?? null,
          egressSocketDir: egress?.socketDir ?? null,
        }));
    } catch (error) {
      await egress?.close();
      throw error;
    }
    // The gateway lives as long as its sandbox.
    if (egress) void handle.exited.then(() => egress.close());
    let loadTimedOut = false;
    const timer = setTimeout(() => {
      loadTimedOut = true;
      handle.kill();
    }, target.timeoutMs);
    try {
      const connection = generic?.connection ?? (await ShimConnection.open(handle, shimOptions(this.config, this.outputStats)));
      const runtime = runtimeDefinition(target.runtime);
      const modulePaths = handle.dependenciesPath ? [dependencyModulePath(target.runtime, handle.dependenciesPath)] : [];
      // The function's folder: its files where the driver mounted them, else where they would be.
      const functionDir = handle.codePath ?? posix.dirname(runtime.functionFilename);
      const entryFile = target.entryFile ?? posix.basename(runtime.functionFilename);
      await connection.load(target, posix.join(functionDir, entryFile), handle.codePath ?? null, modulePaths);
      // Module-level code may have started work: it waits frozen with the sandbox, until handed out.
      connection.pause();
      return { connection, initDurationMs: performance.now() - started, lastUsedAt: Date.now(), ...(egress ? { egress } : {}) };
    } catch (error) {
      handle.kill();
      throw loadTimedOut ? new LoadTimeoutError(`Loading the function took longer than ${target.timeoutMs} ms`) : error;
    } finally {
      clearTimeout(timer);
    }
  }

  private failedStart(error: unknown, elapsedMs: number, target: ExecutionTarget, request: ExecutionRequest): ExecutionOutcome {
    const common = { coldStart: true, initDurationMs: round(elapsedMs), durationMs: 0, memoryPeakBytes: null, cpuTimeMs: null };
    if (error instanceof LoadTimeoutError) return { status: 'TIMED_OUT', error: { type: 'Timeout', message: error.message }, ...common };
    if (error instanceof FunctionLoadError) return { status: 'FAILED', error: error.error, ...common };
    // The platform cannot give this version the network it asked for: the version's setting, not a crash.
    if (error instanceof EgressUnavailableError) return { status: 'FAILED', error: { type: error.name, message: error.message }, ...common };
    if (error instanceof SandboxExitedError && isOutOfMemory(error)) {
      return { status: 'OOM_KILLED', error: { type: 'OutOfMemory', message: error.message }, ...common };
    }
    this.reportFailure(error, 'starting a sandbox', target, request);
    if (error instanceof SandboxExitedError) return { status: 'FAILED', error: { type: 'SandboxError', message: error.message }, ...common };
    return { status: 'FAILED', error: { type: 'SandboxError', message: 'The sandbox could not be started' }, ...common };
  }

  private describeFailure(
    error: unknown,
    timedOut: boolean,
    target: ExecutionTarget,
    sandbox: PooledSandbox,
    request: ExecutionRequest,
  ): Pick<ExecutionOutcome, 'status' | 'error'> {
    if (timedOut) {
      return { status: 'TIMED_OUT', error: { type: 'Timeout', message: `The function did not finish within ${target.timeoutMs / 1000} s` } };
    }
    if (sandbox.connection.floodReason) {
      return { status: 'FAILED', error: { type: 'OutputFlood', message: `The sandbox was killed: ${sandbox.connection.floodReason}` } };
    }
    const { oversizedFrame, oversizedFrameOf } = sandbox.connection;
    if (oversizedFrame && oversizedFrameOf !== null && oversizedFrameOf !== request.invocationId) {
      // Another invocation served by the same sandbox answered too much: this one only went down with it.
      const message = `The sandbox was killed: invocation ${oversizedFrameOf}, running in the same sandbox, sent more than ${this.config.limits.maxResponseBytes} bytes`;
      return { status: 'FAILED', error: { type: 'SandboxCrashed', message } };
    }
    if (oversizedFrame) {
      return {
        status: 'FAILED',
        error: { type: 'ResponseTooLarge', message: `The response exceeds ${this.config.limits.maxResponseBytes} bytes` },
      };
    }
    if (error instanceof SandboxExitedError) {
      if (isOutOfMemory(error)) {
        return { status: 'OOM_KILLED', error: { type: 'OutOfMemory', message: `The function exceeded its ${target.memoryLimitMb} MB memory limit` } };
      }
      const { killReason } = sandbox.connection;
      return { status: 'FAILED', error: { type: 'SandboxCrashed', message: killReason ? `The sandbox was killed: ${killReason}` : error.message } };
    }
    this.reportFailure(error, 'running an invocation', target, request);
    return { status: 'FAILED', error: { type: 'SandboxError', message: 'The sandbox failed unexpectedly' } };
  }

  /** The platform's failure (not the function's): `SandboxError` outcomes are counted as such. */
  private reportFailure(error: unknown, doing: string, target: ExecutionTarget, request: ExecutionRequest): void {
    this.errors.report(error, { source: 'executor', where: doing, functionName: target.functionName, invocationId: request.invocationId });
  }

  private notifyInstances(functionId: string): void {
    for (const listener of this.instanceListeners) listener(functionId);
  }

  /** One autoscaling tick: observe every pool's demand, decide, and act on the decision. */
  private autoscale(): void {
    // Also replaces pre-warmed sandboxes taken by starts ahead of demand, which answer no call.
    this.generic.refill();
    const now = Date.now();
    const idleSince = now - this.config.limits.sandboxIdleSeconds * 1000;
    for (const [versionId, entry] of this.pools) {
      const { pool, autoscaler } = entry;
      autoscaler.record(pool.takeDemand());
      entry.decision = autoscaler.decide(pool.instances);
      pool.scaleDownTo(entry.decision.desired);
      pool.reapIdle(idleSince);
      // Also how minInstances come back after a failure or a crash.
      this.prestart(entry, entry.decision.desired);
      if (pool.isEmpty && pool.inFlight === 0 && entry.decision.desired === 0) {
        pool.drain();
        this.pools.delete(versionId);
      }
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function roundOrNull(ms: number | null | undefined): number | null {
  return ms === undefined || ms === null ? null : round(ms);
}
