import { describe, expect, it } from 'vitest';
import { schedulesSchema } from './schedules.validation.js';

const fieldsOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('schedulesSchema', () => {
  const byMinute = schedulesSchema({ minIntervalSeconds: 60 });

  it('applies defaults and derives a stable id from cron and time zone', () => {
    const parsed = byMinute.parse([{ cron: '0 3 * * *' }, { id: 'paris', cron: '0 3 * * *', timezone: 'Europe/Paris', payload: 'x', enabled: false }]);
    expect(parsed[0]).toEqual({ id: expect.stringMatching(/^cron-[0-9a-f]{10}$/), cron: '0 3 * * *', timezone: 'UTC', payload: null, enabled: true });
    expect(parsed[1]).toEqual({ id: 'paris', cron: '0 3 * * *', timezone: 'Europe/Paris', payload: 'x', enabled: false });
    expect(byMinute.parse([{ cron: '0 3 * * *' }])[0]!.id).toBe(parsed[0]!.id);
    expect(byMinute.parse([{ cron: '0 3 * * *', timezone: 'Asia/Tokyo' }])[0]!.id).not.toBe(parsed[0]!.id);
  });

  it('refuses schedules firing more often than the minimum interval, and allows them when it is lower', () => {
    expect(fieldsOf(byMinute.safeParse([{ cron: '* * * * * *' }]))).toEqual([
      expect.stringMatching(/^0\.cron: fires every 1 s; .*FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS/),
    ]);
    expect(fieldsOf(byMinute.safeParse([{ cron: '*/30 * * * * *' }]))).toHaveLength(1);
    expect(byMinute.safeParse([{ cron: '* * * * *' }]).success).toBe(true);
    expect(schedulesSchema({ minIntervalSeconds: 1 }).safeParse([{ cron: '* * * * * *' }]).success).toBe(true);
    expect(fieldsOf(schedulesSchema({ minIntervalSeconds: 3600 }).safeParse([{ cron: '*/5 * * * *' }]))).toHaveLength(1);
  });

  it('names the field of each problem', () => {
    expect(fieldsOf(byMinute.safeParse([{ cron: 'every day' }]))[0]).toMatch(/^0\.cron: is not a valid cron expression/);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 0 30 2 *' }]))).toEqual(['0.cron: never fires again']);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 * * * *', timezone: 'Nowhere/City' }]))[0]).toMatch(/^0\.timezone: /);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 * * * *', id: 'bad id' }]))[0]).toMatch(/^0\.id: /);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 * * * *', extra: 1 }]))).toHaveLength(1);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 * * * *', payload: 'x'.repeat(70_000) }]))[0]).toMatch(/^0\.payload: /);
    expect(fieldsOf(byMinute.safeParse([{ cron: '0 * * * *' }, { cron: '0 * * * *' }]))[0]).toMatch(/^1\.id: .* is used twice/);
    expect(fieldsOf(byMinute.safeParse(Array.from({ length: 11 }, (_, i) => ({ cron: `${i} * * * *` }))))[0]).toMatch(/at most 10 schedules/);
  });
});
