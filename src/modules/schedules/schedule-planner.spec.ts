import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionRecord, FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import { SchedulePlanner } from './schedule-planner.js';

const CATCH_UP_MS = 300_000;

function aFunction(schedules: FunctionScheduleRecord[], overrides: Partial<FunctionRecord> = {}): FunctionRecord {
  return {
    id: 'f-1',
    name: 'report',
    description: '',
    language: 'javascript',
    runtime: 'nodejs20',
    ownerId: 'dora',
    author: null,
    tags: [],
    permissions: { public: false, allowedUsers: [], executionRoles: [] },
    schedules,
    latestVersion: '1.0.0',
    latestVersionId: 'v-1',
    versionCount: 1,
    createdAt: new Date('2030-01-01T00:00:00Z'),
    updatedAt: new Date('2030-01-01T00:00:00Z'),
    deletedAt: null,
    ...overrides,
  };
}

const schedule = (cron: string, overrides: Partial<FunctionScheduleRecord> = {}): FunctionScheduleRecord => ({
  id: 's-1',
  cron,
  timezone: 'UTC',
  payload: null,
  enabled: true,
  ...overrides,
});

describe('SchedulePlanner', () => {
  let now: Date;
  let planner: SchedulePlanner;
  const at = (iso: string) => (now = new Date(iso));
  const due = () => planner.takeDue().map((d) => ({ schedule: d.scheduleId, tick: d.tick.toISOString(), skipped: d.skipped }));

  beforeEach(() => {
    now = new Date('2030-01-01T10:00:30Z');
    planner = new SchedulePlanner(CATCH_UP_MS, () => now);
  });

  it('hands out each tick once, when the clock passes it, and wakes at the next one', () => {
    at('2030-01-01T10:00:30Z');
    planner.setFunction(aFunction([schedule('* * * * *')], { updatedAt: new Date('2030-01-01T10:00:20Z') }));
    expect(due()).toEqual([]);
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T10:01:00.000Z');

    at('2030-01-01T10:00:59.999Z');
    expect(due()).toEqual([]);
    at('2030-01-01T10:01:00.000Z');
    expect(due()).toEqual([{ schedule: 's-1', tick: '2030-01-01T10:01:00.000Z', skipped: 0 }]);
    expect(due()).toEqual([]);
    at('2030-01-01T10:01:00.020Z');
    expect(due()).toEqual([]);
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T10:02:00.000Z');
  });

  it('never runs a tick from before the schedule existed', () => {
    at('2030-01-01T10:00:40Z');
    planner.setFunction(aFunction([schedule('* * * * *')], { updatedAt: new Date('2030-01-01T10:00:30Z') }));
    expect(due()).toEqual([]);
  });

  it('catches up only the latest missed tick, when it is within the catch-up window', () => {
    // A node starting at 10:03: every node was down since before 09:58.
    at('2030-01-01T10:03:10Z');
    planner.setFunction(aFunction([schedule('* * * * *', { id: 'minutely' }), schedule('0 * * * *', { id: 'hourly' })]));
    expect(due()).toEqual(
      expect.arrayContaining([
        // 09:59..10:02 missed; only 10:03 runs. The window starts at 09:58:10.
        { schedule: 'minutely', tick: '2030-01-01T10:03:00.000Z', skipped: 4 },
        // 10:00 is 3 min 10 s old, within the 5-minute window: it runs, late.
        { schedule: 'hourly', tick: '2030-01-01T10:00:00.000Z', skipped: 0 },
      ]),
    );
    expect(due()).toEqual([]);
  });

  it('lets a missed tick go when it is older than the catch-up window, and goes on from the next', () => {
    at('2030-01-01T10:10:00Z');
    planner.setFunction(aFunction([schedule('0 * * * *')]));
    expect(due()).toEqual([]);
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T11:00:00.000Z');

    // This node ran 11:00, then stalled (suspended VM) until 12:30: 12:00 is 30 min old.
    at('2030-01-01T11:00:00.050Z');
    expect(due()).toEqual([{ schedule: 's-1', tick: '2030-01-01T11:00:00.000Z', skipped: 0 }]);
    at('2030-01-01T12:30:00Z');
    expect(due()).toEqual([]);
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T13:00:00.000Z');
    at('2030-01-01T13:00:01Z');
    expect(due()).toEqual([{ schedule: 's-1', tick: '2030-01-01T13:00:00.000Z', skipped: 0 }]);
  });

  it('reads the expression in the schedule time zone', () => {
    at('2030-01-01T07:00:00Z');
    planner.setFunction(aFunction([schedule('0 9 * * *', { timezone: 'Europe/Paris' })]));
    // 09:00 in Paris in January is 08:00 UTC.
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T08:00:00.000Z');
    at('2030-01-01T08:00:00.001Z');
    expect(due()).toEqual([{ schedule: 's-1', tick: '2030-01-01T08:00:00.000Z', skipped: 0 }]);
  });

  it('runs per-second schedules tick by tick', () => {
    at('2030-01-01T10:00:30.000Z');
    planner.setFunction(aFunction([schedule('* * * * * *')], { updatedAt: new Date('2030-01-01T10:00:30.000Z') }));
    const ticks: string[] = [];
    for (let ms = 100; ms <= 3100; ms += 500) {
      at(new Date(Date.parse('2030-01-01T10:00:30.000Z') + ms).toISOString());
      ticks.push(...due().map((d) => d.tick));
    }
    expect(ticks).toEqual(['2030-01-01T10:00:31.000Z', '2030-01-01T10:00:32.000Z', '2030-01-01T10:00:33.000Z']);
  });

  it('keeps the cursor of an unchanged schedule across updates, and restarts a changed one', () => {
    at('2030-01-01T10:01:00.010Z');
    planner.setFunction(aFunction([schedule('* * * * *')]));
    expect(due()).toHaveLength(1);

    // A new payload (same expression) must not run 10:01 again.
    planner.setFunction(aFunction([schedule('* * * * *', { payload: { v: 2 } })], { updatedAt: new Date('2030-01-01T10:01:00.005Z'), versionCount: 2 }));
    expect(due()).toEqual([]);
    at('2030-01-01T10:02:00.001Z');
    expect(planner.takeDue()[0]?.schedule.payload).toEqual({ v: 2 });

    // A new expression starts from the change.
    at('2030-01-01T10:02:30Z');
    planner.setFunction(aFunction([schedule('*/2 * * * *')], { updatedAt: new Date('2030-01-01T10:02:30Z'), versionCount: 3 }));
    expect(due()).toEqual([]);
    expect(planner.nextWake()?.toISOString()).toBe('2030-01-01T10:04:00.000Z');
  });

  it('drops disabled schedules, removed schedules and deleted functions', () => {
    planner.setFunction(aFunction([schedule('* * * * *', { id: 'a' }), schedule('* * * * *', { id: 'b', enabled: false })]));
    expect(planner.size).toBe(1);
    planner.setFunction(aFunction([]));
    expect(planner.size).toBe(0);
    expect(planner.nextWake()).toBeNull();

    planner.setFunction(aFunction([schedule('* * * * *')]));
    planner.setFunction(aFunction([schedule('* * * * *')], { deletedAt: new Date() }));
    expect(planner.size).toBe(0);
    planner.setFunction(aFunction([schedule('* * * * *')]));
    planner.removeFunction('f-1');
    expect(planner.size).toBe(0);
  });

  it('takes a full rescan, except for functions changed while it ran', () => {
    planner.setFunction(aFunction([schedule('* * * * *')], { id: 'gone' }));
    planner.setFunction(aFunction([schedule('* * * * *')], { id: 'changed' }));
    planner.replaceAll([aFunction([schedule('* * * * *')], { id: 'new' })], new Set(['changed']));
    expect(planner.size).toBe(2);
    at('2030-01-01T10:01:00.001Z');
    expect(
      planner
        .takeDue()
        .map((d) => d.functionId)
        .sort(),
    ).toEqual(['changed', 'new']);
  });
});
