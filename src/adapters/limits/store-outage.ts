import type { Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';

/**
 * Whether the shared counters are reachable, as the last command found: one warning when
 * an outage starts and one line when it ends (not one per request), and a gauge.
 */
export class StoreOutage {
  private down = false;

  constructor(
    private readonly logger: Logger,
    private readonly fallback: string,
    private readonly gauge: Gauge | null,
  ) {}

  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.gauge?.set(1);
    this.logger.warn(`Rate limits: Redis unreachable (${(error as Error)?.message ?? String(error)}); ${this.fallback} until it is back`);
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.gauge?.set(0);
    this.logger.log('Rate limits: Redis reachable again, counters are shared again');
  }
}
