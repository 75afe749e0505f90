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

  stopAccepting(): void {
    this.stopping = true;
  }

  assertAccepting(): void {
    if (this.stopping) throw new ServiceUnavailableError('This node is shutting down; retry (another node will answer)', 1);
    this.recorder.assertAccepting();
  }
}
