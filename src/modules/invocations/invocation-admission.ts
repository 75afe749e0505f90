import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ServiceUnavailableError } from '@/kernel/errors/domain-error.js';
import { HealthChecks } from '@/modules/health/health-checks.js';
import { InvocationRecorder } from './invocation-recorder.js';

/**
 * Whether this node takes new invocations now: not while it shuts down, nor while their
 * records could not be stored promptly. Readiness says the same, so a load balancer sends
 * the calls elsewhere before they are refused.
 */
@Injectable()
export class InvocationAdmission implements OnModuleInit {
  private stopping = false;
  private readonly tracked = new Set<Promise<unknown>>();

  constructor(
    private readonly recorder: InvocationRecorder,
    private readonly checks: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.checks.register({
      name: 'invocationRecords',
      check: async () => {
        if (!this.recorder.healthy) throw new Error('invocation records cannot be written to storage');
        return `${this.recorder.backlog} waiting`;
      },
    });
    this.checks.register({
      name: 'accepting',
      check: async () => {
        if (this.stopping) throw new Error('shutting down');
      },
    });
  }

  get accepting(): boolean {
    return !this.stopping;
  }

  /** Invocations admitted (or queued jobs taken) and not yet answered on this node. */
  get inFlight(): number {
    return this.tracked.size;
  }

  stopAccepting(): void {
    this.stopping = true;
  }

  /**
   * Throws SERVICE_UNAVAILABLE when this node takes no new invocation. `duringShutdown`: work
   * that must still be taken while draining (a destination of a run that finished in time).
   */
  assertAccepting(options: { duringShutdown?: boolean } = {}): void {
    if (this.stopping && !options.duringShutdown) throw new ServiceUnavailableError('This node is shutting down; retry (another node will answer)', 1);
    this.recorder.assertAccepting();
  }

  /** Runs admitted work, counted until it settles: a shutdown waits for it, from admission on, not only once it runs. */
  track<T>(work: Promise<T>): Promise<T> {
    this.tracked.add(work);
    const forget = () => this.tracked.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves when all tracked work has settled, or at `deadline` (epoch ms); true if it all settled. */
  async settle(deadline: number): Promise<boolean> {
    while (this.tracked.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
      await Promise.race([Promise.allSettled([...this.tracked]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}
