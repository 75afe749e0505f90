import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { InvocationRepository } from './invocation.repository.js';

const DAY_MS = 86_400_000;
/** Records emptied per statement: keeps each write short, so invocations are never held up behind the purge. */
const BATCH = 500;

/**
 * Payload retention (`FNGRAPH_INVOCATION_PAYLOAD_RETENTION_DAYS`): every node periodically
 * empties the request, response and logs of invocations that finished longer ago, keeping
 * their metadata. Nodes need no coordination: the purge is idempotent, and batches are small.
 */
@Injectable()
export class InvocationRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InvocationRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly invocations: InvocationRepository,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {}

  onApplicationBootstrap(): void {
    const { payloadRetentionDays, purgeIntervalSeconds } = this.config.delivery;
    if (payloadRetentionDays <= 0) return;
    this.timer = setInterval(() => void this.purgeNow(), purgeIntervalSeconds * 1000);
    this.timer.unref();
    void this.purgeNow();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One purge (a call while one runs joins it); never rejects. */
  purgeNow(): Promise<void> {
    this.running ??= this.purge().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async purge(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.delivery.payloadRetentionDays * DAY_MS);
    let total = 0;
    try {
      for (let emptied = BATCH; emptied === BATCH && this.timer !== null; total += emptied) {
        emptied = await this.invocations.purgePayloads(cutoff, BATCH);
      }
    } catch (error) {
      this.errors.report(error, { source: 'storage', where: 'purging invocation payloads past their retention' });
    }
    if (total > 0) this.logger.log(`Emptied the payloads of ${total} invocation records that finished before ${cutoff.toISOString()}`);
  }
}
