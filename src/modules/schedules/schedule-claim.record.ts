/** One schedule of one function: schedule ids are unique only within their function. */
export interface ScheduleKey {
  functionId: string;
  scheduleId: string;
}

/**
 * The claim of one tick of one schedule by one node: its existence is what makes the tick
 * run exactly once across nodes, and the latest claim is the schedule's last run.
 */
export interface ScheduleClaimRecord extends ScheduleKey {
  /** The tick's nominal time (from the cron expression), whole seconds. */
  tick: Date;
  nodeId: string;
  claimedAt: Date;
  /** The invocation the tick started; null until started, or when it could not start. */
  invocationId: string | null;
  /** Why the invocation could not start (e.g. the function is still building). */
  error: string | null;
}
