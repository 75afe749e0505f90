import { Injectable } from '@nestjs/common';
import { CronExpression } from '@/kernel/scheduling/cron-expression.js';
import type { FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import type { ScheduleClaimRecord, ScheduleKey } from './schedule-claim.record.js';
import { ScheduleClaimRepository } from './schedule-claim.repository.js';

/** What is known of schedules' runs: the last one (its claim) and the next one (the cron expression). */
@Injectable()
export class ScheduleRunsService {
  constructor(private readonly claims: ScheduleClaimRepository) {}

  /** The latest claimed tick of each schedule that ran at least once. */
  lastRuns(keys: readonly ScheduleKey[]): Promise<ScheduleClaimRecord[]> {
    return keys.length === 0 ? Promise.resolve([]) : this.claims.latest(keys);
  }

  /** The next tick after `now`; null when the schedule is disabled or never fires again. */
  nextRunAt(schedule: FunctionScheduleRecord, now = new Date()): Date | null {
    if (!schedule.enabled) return null;
    try {
      return CronExpression.parse(schedule.cron, schedule.timezone).nextAfter(now);
    } catch {
      return null;
    }
  }
}
