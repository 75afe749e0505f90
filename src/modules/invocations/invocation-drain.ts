import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { InvocationAdmission } from './invocation-admission.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRunner } from './invocation-runner.js';
import { InvocationWorker } from './invocation-worker.js';
import { NodeSweeper } from './node-sweeper.js';

/**
 * Graceful shutdown of the invocation path, in an order that keeps every promise made:
 * refuse new invocations (readiness goes unready), take no more queued jobs, let running
 * ones finish within `FNGRAPH_SHUTDOWN_GRACE_SECONDS` and answer their callers; then cut
 * what is still running — a waiting caller gets, and the record keeps, FAILED `Shutdown`
 * (never SUCCEEDED for a cut call), a queued job goes back to the queue for another
 * worker — store every record, and leave the node registry.
 *
 * `main.ts` calls `drain` on SIGTERM/SIGINT before closing the application, so it runs
 * while every other module still works; `app.close()` alone (tests) gets it here too.
 */
@Injectable()
export class InvocationDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InvocationDrain.name);
  private draining: Promise<void> | null = null;

  constructor(
    private readonly admission: InvocationAdmission,
    private readonly worker: InvocationWorker,
    private readonly runner: InvocationRunner,
    private readonly recorder: InvocationRecorder,
    private readonly sweeper: NodeSweeper,
    private readonly config: AppConfig,
  ) {}

  drain(): Promise<void> {
    this.draining ??= this.run();
    return this.draining;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  private async run(): Promise<void> {
    this.admission.stopAccepting();
    const workerStopped = this.worker.stop();
    // Everything admitted counts, from admission on: a call resolving its function now runs in a moment.
    if (!(await this.admission.settle(Date.now() + this.config.shutdownGraceSeconds * 1000))) {
      this.logger.warn(`Cutting ${this.admission.inFlight} invocation(s) still running after the shutdown grace period`);
      await this.runner.cutAll();
    }
    await workerStopped;
    await this.recorder.flush();
    await this.sweeper.stop();
    this.logger.log('Drained: no invocation runs here any more, every record is stored');
  }
}
