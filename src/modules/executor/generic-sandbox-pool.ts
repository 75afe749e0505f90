import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { RUNTIME_IDS, type RuntimeId } from '@/modules/runtimes/runtime-catalog.js';
import { SandboxDriver } from './sandbox-driver.js';
import { SandboxOutputStats } from './sandbox-output-stats.js';
import { ShimConnection, shimOptions } from './shim-connection.js';

/** A started sandbox whose shim waits for a function: not yet anyone's. */
export interface GenericSandbox {
  connection: ShimConnection;
  /** How long starting it took (what a cold start would have cost on the request path). */
  startDurationMs: number;
}

interface Reserve {
  runtime: RuntimeId;
  memoryLimitMb: number;
  wanted: number;
  ready: GenericSandbox[];
  starting: number;
}

/** A failing start is retried after this, not in a loop. */
const RETRY_DELAY_MS = 5000;

/**
 * Generic sandboxes started ahead of need, per runtime and memory size
 * (`FNGRAPH_PREWARM_SANDBOXES`). The first call of a function without dependencies
 * takes one and specialises it by sending it the function (the shim's `load` frame), so
 * no process or container starts on the request path; the sandbox then belongs to that
 * function version for good. Its replacement starts with `refill`, which the executor
 * calls once that first call is answered and recorded: started at once, the replacement's
 * spawn and cgroup set-up ran on the server's event loop, and its start on the same CPU,
 * in the middle of the call it was meant to speed up (measured: 20-45 ms added to it).
 */
@Injectable()
export class GenericSandboxPool implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GenericSandboxPool.name);
  private readonly reserves: Reserve[];
  private stopped = false;

  constructor(
    private readonly driver: SandboxDriver,
    private readonly config: AppConfig,
    private readonly outputStats: SandboxOutputStats = new SandboxOutputStats(),
  ) {
    this.reserves = config.sandbox.prewarm.map(({ runtime, memoryLimitMb, count }) => {
      if (!RUNTIME_IDS.includes(runtime as RuntimeId)) {
        throw new Error(`FNGRAPH_PREWARM_SANDBOXES names an unknown runtime ${runtime} (known: ${RUNTIME_IDS.join(', ')})`);
      }
      return { runtime: runtime as RuntimeId, memoryLimitMb, wanted: count, ready: [], starting: 0 };
    });
  }

  onApplicationBootstrap(): void {
    this.refill();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const reserve of this.reserves) for (const sandbox of reserve.ready.splice(0)) sandbox.connection.handle.kill();
  }

  /** A ready generic sandbox of this runtime and memory size, now this caller's; null if none waits. Not replaced until `refill`. */
  take(runtime: RuntimeId, memoryLimitMb: number): GenericSandbox | null {
    const reserve = this.reserves.find((r) => r.runtime === runtime && r.memoryLimitMb === memoryLimitMb);
    if (!reserve) return null;
    let sandbox: GenericSandbox | undefined;
    while ((sandbox = reserve.ready.shift()) && !sandbox.connection.alive);
    return sandbox ?? null;
  }

  /** Starts replacements for the sandboxes taken (or lost) since, in the background, after `delayMs`. */
  refill(delayMs = 0): void {
    if (delayMs > 0) {
      setTimeout(() => this.refill(), delayMs).unref();
      return;
    }
    for (const reserve of this.reserves) this.refillReserve(reserve);
  }

  /** Generic sandboxes waiting, for tests and metrics. */
  readyCount(runtime: RuntimeId, memoryLimitMb: number): number {
    return this.reserves.find((r) => r.runtime === runtime && r.memoryLimitMb === memoryLimitMb)?.ready.filter((s) => s.connection.alive).length ?? 0;
  }

  private refillReserve(reserve: Reserve): void {
    reserve.ready = reserve.ready.filter((sandbox) => sandbox.connection.alive);
    while (!this.stopped && reserve.ready.length + reserve.starting < reserve.wanted) {
      reserve.starting++;
      this.start(reserve).then(
        (sandbox) => {
          reserve.starting--;
          if (this.stopped) sandbox.connection.handle.kill();
          else {
            reserve.ready.push(sandbox);
            // One that dies while it waits (never with user code in it) is replaced.
            void sandbox.connection.handle.exited.then(() => this.refillReserve(reserve));
          }
        },
        (error: unknown) => {
          reserve.starting--;
          this.logger.warn(`Could not start a generic ${reserve.runtime} sandbox: ${(error as Error).message}`);
          setTimeout(() => this.refillReserve(reserve), RETRY_DELAY_MS).unref();
        },
      );
    }
  }

  private async start(reserve: Reserve): Promise<GenericSandbox> {
    const started = performance.now();
    const handle = await this.driver.start({
      runtime: reserve.runtime,
      memoryLimitMb: reserve.memoryLimitMb,
      label: `generic-${reserve.runtime}`,
      dependenciesDir: null,
    });
    try {
      const connection = await ShimConnection.open(handle, shimOptions(this.config, this.outputStats));
      return { connection, startDurationMs: performance.now() - started };
    } catch (error) {
      handle.kill();
      throw error;
    }
  }
}
