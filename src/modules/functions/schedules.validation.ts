import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SchedulesConfig } from '@/kernel/config/app-config.js';
import { CronExpression, isValidTimezone } from '@/kernel/scheduling/cron-expression.js';
import type { FunctionScheduleRecord } from './function.record.js';
import { MAX_SCHEDULE_PAYLOAD_BYTES, MAX_SCHEDULES, SCHEDULE_ID_PATTERN, SCHEDULE_ID_RULE } from './function-rules.js';

export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

/**
 * `schedules` of a registration document or update: cron expressions that parse and fire
 * again, IANA time zones, at most `MAX_SCHEDULES`, none firing more often than
 * `FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS`. Missing ids are derived from the expression and
 * time zone, so re-sending the same list keeps the ids (and their run history).
 */
export function schedulesSchema(settings: Pick<SchedulesConfig, 'minIntervalSeconds'>) {
  const entry = z
    .strictObject({
      id: z.string().regex(SCHEDULE_ID_PATTERN, `must be ${SCHEDULE_ID_RULE}`).optional(),
      cron: z.string().trim().min(1, 'must be a cron expression').max(200, 'must be at most 200 characters'),
      timezone: z.string().max(64).refine(isValidTimezone, 'must be an IANA time zone such as UTC or Europe/Paris').optional(),
      payload: z.unknown().optional(),
      enabled: z.boolean().optional(),
    })
    .superRefine((schedule, ctx) => {
      const timezone = schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE;
      if (!isValidTimezone(timezone)) return;
      let cron: CronExpression;
      try {
        cron = CronExpression.parse(schedule.cron, timezone);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['cron'], message: `is not a valid cron expression: ${(error as Error).message}` });
        return;
      }
      const now = new Date();
      if (cron.nextAfter(now) === null) {
        ctx.addIssue({ code: 'custom', path: ['cron'], message: 'never fires again' });
        return;
      }
      const interval = cron.shortestIntervalSeconds(now);
      if (interval !== null && interval < settings.minIntervalSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['cron'],
          message: `fires every ${interval} s; schedules may fire at most every ${settings.minIntervalSeconds} s (FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS)`,
        });
      }
      const payloadBytes = Buffer.byteLength(JSON.stringify(schedule.payload ?? null));
      if (payloadBytes > MAX_SCHEDULE_PAYLOAD_BYTES) {
        ctx.addIssue({ code: 'custom', path: ['payload'], message: `is ${payloadBytes} bytes as JSON; the limit is ${MAX_SCHEDULE_PAYLOAD_BYTES}` });
      }
    })
    .transform((schedule): FunctionScheduleRecord => ({
      id: schedule.id ?? derivedScheduleId(schedule.cron, schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE),
      cron: schedule.cron,
      timezone: schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
      payload: schedule.payload ?? null,
      enabled: schedule.enabled ?? true,
    }));
  return z
    .array(entry)
    .max(MAX_SCHEDULES, `at most ${MAX_SCHEDULES} schedules`)
    .superRefine((schedules, ctx) => {
      const seen = new Set<string>();
      schedules.forEach((schedule, index) => {
        if (seen.has(schedule.id)) {
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `${JSON.stringify(schedule.id)} is used twice; give each schedule its own id` });
        }
        seen.add(schedule.id);
      });
    });
}

/** `cron-` and 10 hex digits of the expression and time zone: stable across re-registrations. */
function derivedScheduleId(cron: string, timezone: string): string {
  return `cron-${createHash('sha256').update(`${cron}\n${timezone}`).digest('hex').slice(0, 10)}`;
}
