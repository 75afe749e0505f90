import { CronExpression } from '@/kernel/scheduling/cron-expression.js';
import type { FunctionRecord, FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import type { ScheduleKey } from './schedule-claim.record.js';

/** A tick this node should try to claim. */
export interface DueTick extends ScheduleKey {
  tick: Date;
  schedule: FunctionScheduleRecord;
  ownerId: string | null;
  /** Earlier ticks passed over since the last one looked at: they are not replayed. */
  skipped: number;
}

interface Entry {
  functionId: string;
  ownerId: string | null;
  schedule: FunctionScheduleRecord;
  cron: CronExpression;
  /** Ticks at or before this instant have been dealt with (claimed, tried, or let go). */
  cursor: Date;
}

/** Counting skipped ticks stops here (a per-second schedule down for a day). */
const MAX_SKIPPED_COUNTED = 10_000;

/**
 * Which ticks are due, for one node: the enabled schedules of the functions it knows,
 * each with a cursor. A tick is due once the wall clock passes it; when several passed
 * since the cursor (this node was busy, stopped, or every node was down) only the latest
 * runs, and only if it is at most `catchUpMs` old: no backlog is ever replayed. Which node
 * actually runs a due tick is settled by the claim, not here.
 */
export class SchedulePlanner {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly catchUpMs: number,
    private readonly clock: () => Date,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Takes the function's current schedules. Unchanged ones (same id, expression and time
   * zone) keep their cursor; new ones start at the later of the catch-up horizon and the
   * function's last change, so no tick from before a schedule existed runs.
   */
  setFunction(fn: FunctionRecord): void {
    const keep = new Set<string>();
    if (!fn.deletedAt) {
      for (const schedule of fn.schedules) {
        if (!schedule.enabled) continue;
        const key = entryKey(fn.id, schedule.id);
        keep.add(key);
        const existing = this.entries.get(key);
        if (existing && existing.schedule.cron === schedule.cron && existing.schedule.timezone === schedule.timezone) {
          this.entries.set(key, { ...existing, schedule, ownerId: fn.ownerId });
          continue;
        }
        const cron = this.parse(schedule);
        if (!cron) continue;
        const horizon = this.clock().getTime() - this.catchUpMs;
        this.entries.set(key, { functionId: fn.id, ownerId: fn.ownerId, schedule, cron, cursor: new Date(Math.max(horizon, fn.updatedAt.getTime())) });
      }
    }
    for (const [key, entry] of this.entries) {
      if (entry.functionId === fn.id && !keep.has(key)) this.entries.delete(key);
    }
  }

  removeFunction(functionId: string): void {
    for (const [key, entry] of this.entries) if (entry.functionId === functionId) this.entries.delete(key);
  }

  /**
   * Replaces the known functions with `functions` (a full rescan), except those in
   * `untouchable`: changed while the scan ran, their newer state is already here.
   */
  replaceAll(functions: readonly FunctionRecord[], untouchable: ReadonlySet<string> = new Set()): void {
    const listed = new Set(functions.map((fn) => fn.id));
    for (const entry of [...this.entries.values()]) {
      if (!listed.has(entry.functionId) && !untouchable.has(entry.functionId)) this.removeFunction(entry.functionId);
    }
    for (const fn of functions) if (!untouchable.has(fn.id)) this.setFunction(fn);
  }

  /** The ticks due now, each handed out once: cursors move past them. */
  takeDue(): DueTick[] {
    const now = this.clock();
    const due: DueTick[] = [];
    for (const entry of this.entries.values()) {
      const latest = entry.cron.latestAtOrBefore(now);
      if (!latest || latest.getTime() <= entry.cursor.getTime()) continue;
      const skipped = this.countBetween(entry, entry.cursor, latest);
      entry.cursor = latest;
      if (now.getTime() - latest.getTime() > this.catchUpMs) continue;
      due.push({ functionId: entry.functionId, scheduleId: entry.schedule.id, tick: latest, schedule: entry.schedule, ownerId: entry.ownerId, skipped });
    }
    return due;
  }

  /** When the next tick of any known schedule falls (possibly already past); null without schedules. */
  nextWake(): Date | null {
    let earliest: Date | null = null;
    for (const entry of this.entries.values()) {
      const next = entry.cron.nextAfter(entry.cursor);
      if (next && (!earliest || next.getTime() < earliest.getTime())) earliest = next;
    }
    return earliest;
  }

  /** Ticks strictly between `from` and `to`. */
  private countBetween(entry: Entry, from: Date, to: Date): number {
    let count = 0;
    for (let next = entry.cron.nextAfter(from); next && next.getTime() < to.getTime() && count < MAX_SKIPPED_COUNTED; next = entry.cron.nextAfter(next)) {
      count += 1;
    }
    return count;
  }

  /** Stored schedules were validated; one that no longer parses (e.g. a time zone dropped from ICU) is left out. */
  private parse(schedule: FunctionScheduleRecord): CronExpression | null {
    try {
      return CronExpression.parse(schedule.cron, schedule.timezone);
    } catch {
      return null;
    }
  }
}

function entryKey(functionId: string, scheduleId: string): string {
  return `${functionId}\u0000${scheduleId}`;
}
