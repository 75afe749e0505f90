import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { DomainError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import { type FunctionChangedEvent, functionsChangedChannel } from '@/modules/functions/function.channels.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { ScheduleClaimRepository } from './schedule-claim.repository.js';
import { type DueTick, SchedulePlanner } from './schedule-planner.js';
import { scheduleEvent, schedulePrincipal } from './scheduled-invocation.js';

/** Full rescan of the scheduled functions: picks up changes whose event this node missed. */
export const RESYNC_INTERVAL_MS = 30_000;
/** Claims are kept this long (each schedule's latest one always). */
export const CLAIM_RETENTION_MS = 7 * 24 * 3600 * 1000;
const PRUNE_INTERVAL_MS = 3600 * 1000;
/** The timer never sleeps longer than this, so a jump of the wall clock is noticed. */
const MAX_SLEEP_MS = 60_000;

/**
 * Runs the cron triggers on this node. Every node with `FNGRAPH_SCHEDULER=on` watches all
 * enabled schedules and wakes at the next tick; for each due tick it inserts a claim
 * (function, schedule, tick) under a unique key, and only the node whose insert succeeds
 * starts the run, as an async invocation with trigger SCHEDULE. So a tick runs at most
 * once however many nodes compete; it is lost only if its winner dies between the claim and
 * the start (the claim then names no invocation).
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly planner: SchedulePlanner;
  private readonly inFlight = new Set<Promise<void>>();
  /** Functions changed by an event while a rescan runs: the rescan's older view of them is ignored. */
  private readonly touchedDuringResync = new Set<string>();
  private resyncing = false;
  private timer: NodeJS.Timeout | undefined;
  private intervals: NodeJS.Timeout[] = [];
  private unsubscribe: Unsubscribe | undefined;
  private stopped = false;

  constructor(
    private readonly functions: FunctionsService,
    private readonly invocations: InvocationsService,
    private readonly claims: ScheduleClaimRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {
    this.planner = new SchedulePlanner(config.schedules.catchUpSeconds * 1000, () => new Date());
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.schedules.scheduler) {
      this.logger.log('Scheduler off on this node (FNGRAPH_SCHEDULER=off): it runs no schedules');
      return;
    }
    this.unsubscribe = await this.events.subscribe(functionsChangedChannel, (event) => void this.onFunctionChanged(event));
    // Not awaited: start-up does not wait for the store; the first rescan arms the timer.
    void this.resync();
    this.intervals = [setInterval(() => void this.resync(), RESYNC_INTERVAL_MS).unref(), setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref()];
  }

  /** Before the invocation path drains at shutdown: no tick starts once stopping has begun. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const interval of this.intervals) clearInterval(interval);
    await this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private async onFunctionChanged(event: FunctionChangedEvent): Promise<void> {
    if (this.resyncing) this.touchedDuringResync.add(event.functionId);
    try {
      if (event.kind === 'deleted') this.planner.removeFunction(event.functionId);
      else this.planner.setFunction(await this.functions.getById(event.functionId));
      this.arm();
    } catch (error) {
      // The next rescan brings this function's schedules up to date.
      this.logger.warn(`Could not reload the schedules of function ${event.functionId}: ${(error as Error).message}`);
    }
  }

  private async resync(): Promise<void> {
    if (this.stopped || this.resyncing) return;
    this.resyncing = true;
    this.touchedDuringResync.clear();
    try {
      this.planner.replaceAll(await this.functions.listScheduled(), this.touchedDuringResync);
      this.arm();
    } catch (error) {
      this.logger.warn(`Could not load the scheduled functions (retrying in ${RESYNC_INTERVAL_MS / 1000} s): ${(error as Error).message}`);
    } finally {
      this.resyncing = false;
    }
  }

  /** (Re)sets the one timer of this node to the next tick of any schedule. */
  private arm(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const next = this.planner.nextWake();
    const delay = next === null ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(0, next.getTime() - Date.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private wake(): void {
    if (this.stopped) return;
    for (const due of this.planner.takeDue()) this.track(this.run(due));
    this.arm();
  }

  private async run(due: DueTick): Promise<void> {
    const key = { functionId: due.functionId, scheduleId: due.scheduleId };
    const where = `schedule ${due.scheduleId} of function ${due.functionId} at ${due.tick.toISOString()}`;
    let claimed: boolean;
    try {
      claimed = await this.claims.claim(key, due.tick, this.config.nodeId, new Date());
    } catch (error) {
      this.logger.warn(`Could not claim ${where}; this tick is not run: ${(error as Error).message}`);
      return;
    }
    if (!claimed) return;
    if (due.skipped > 0) this.logger.warn(`Running ${where} late; ${due.skipped} earlier missed tick(s) are not replayed`);
    let outcome: { invocationId: string; error: null } | { invocationId: null; error: string };
    try {
      const record = await this.invocations.invoke({
        ref: { functionId: due.functionId },
        trigger: 'SCHEDULE',
        async: true,
        event: scheduleEvent(due),
        principal: schedulePrincipal(due),
      });
      outcome = { invocationId: record.id, error: null };
    } catch (error) {
      if (!(error instanceof DomainError)) this.errors.report(error, { source: 'background', where });
      this.logger.warn(`Could not start ${where}: ${(error as Error).message}`);
      outcome = { invocationId: null, error: `${error instanceof DomainError ? `${error.code}: ` : ''}${(error as Error).message}` };
    }
    try {
      await this.claims.complete(key, due.tick, outcome);
    } catch (error) {
      this.logger.warn(`Could not record the run of ${where}: ${(error as Error).message}`);
    }
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.claims.prune(new Date(Date.now() - CLAIM_RETENTION_MS));
      if (removed > 0) this.logger.debug(`Removed ${removed} schedule claim(s) older than ${CLAIM_RETENTION_MS / 86_400_000} days`);
    } catch (error) {
      this.logger.warn(`Could not prune old schedule claims: ${(error as Error).message}`);
    }
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }
}
