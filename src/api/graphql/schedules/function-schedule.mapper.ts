import type { FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import type { ScheduleClaimRecord } from '@/modules/schedules/schedule-claim.record.js';
import type { FunctionScheduleModel } from './function-schedule.model.js';

export function toFunctionScheduleModel(
  schedule: FunctionScheduleRecord,
  lastRun: ScheduleClaimRecord | null,
  nextRunAt: Date | null,
  revealPayload: boolean,
): FunctionScheduleModel {
  return {
    id: schedule.id,
    cron: schedule.cron,
    timezone: schedule.timezone,
    payload: revealPayload ? schedule.payload : null,
    enabled: schedule.enabled,
    nextRunAt,
    lastRunAt: lastRun?.tick ?? null,
    lastInvocationId: lastRun?.invocationId ?? null,
    lastError: lastRun?.error ?? null,
  };
}
