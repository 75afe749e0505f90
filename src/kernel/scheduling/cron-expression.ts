import { Cron } from 'croner';

/** Standard five-field cron, or six fields with seconds first; no year field. */
const CRON_MODE = '5-or-6-parts';

/** Runs looked at to find how often an expression fires (see `shortestIntervalSeconds`). */
const INTERVAL_SAMPLE = 100;

/**
 * A cron expression in an IANA time zone, for computing ticks from the wall clock. Built
 * paused and without a callback: croner never starts a timer of its own here.
 */
export class CronExpression {
  private constructor(
    private readonly cron: Cron,
    readonly expression: string,
    readonly timezone: string,
  ) {}

  /** Throws `Error` with croner's message when the expression or the time zone is not valid. */
  static parse(expression: string, timezone: string): CronExpression {
    if (!isValidTimezone(timezone)) throw new Error(`Unknown time zone ${JSON.stringify(timezone)}`);
    const cron = new Cron(expression, { timezone, paused: true, mode: CRON_MODE });
    return new CronExpression(cron, expression, timezone);
  }

  /** The first tick strictly after `after`; null when the expression never fires again. */
  nextAfter(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The latest tick at or before `at`; null when there is none. */
  latestAtOrBefore(at: Date): Date | null {
    // croner's previousRuns excludes a run exactly at the reference second.
    return this.cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
  }

  /**
   * The shortest gap between consecutive ticks among the next runs after `from`: how often
   * the expression fires at most, found by sampling (cron has no closed form for it).
   * Null when it fires fewer than twice.
   */
  shortestIntervalSeconds(from: Date): number | null {
    const runs = this.cron.nextRuns(INTERVAL_SAMPLE, from);
    let shortest: number | null = null;
    for (let i = 1; i < runs.length; i += 1) {
      const gap = (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 1000;
      if (shortest === null || gap < shortest) shortest = gap;
    }
    return shortest;
  }
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
