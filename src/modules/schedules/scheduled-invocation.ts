import type { Principal } from '@/kernel/identity/principal.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import type { DueTick } from './schedule-planner.js';

/**
 * Who a scheduled run acts as: the function's owner, who set the schedule (only managers
 * may), with no right but invoking (the owner's `invoker` verb in FunctionAccessPolicy).
 * Records name the owner as caller; quotas count against the owner. Functions registered
 * before authentication existed have no owner: the platform runs their schedules itself.
 */
export function schedulePrincipal(due: Pick<DueTick, 'functionId' | 'scheduleId' | 'ownerId'>): Principal {
  const credentialId = `schedule:${due.functionId}/${due.scheduleId}`;
  if (due.ownerId !== null) return { kind: 'schedule', subject: due.ownerId, roles: ['invoker'], credentialId };
  return { kind: 'schedule', subject: 'system:scheduler', roles: ['admin'], credentialId };
}

/**
 * The event of a scheduled run: `POST /` with the payload as body (a string as it is,
 * anything else as JSON), and headers naming the schedule and its tick, so that a
 * function can tell runs apart (e.g. to be idempotent per tick).
 */
export function scheduleEvent(due: Pick<DueTick, 'scheduleId' | 'tick' | 'schedule'>): InvocationEvent {
  const payload = due.schedule.payload;
  const headers: Record<string, string> = { 'x-fngraph-schedule-id': due.scheduleId, 'x-fngraph-scheduled-time': due.tick.toISOString() };
  let body: string | null = null;
  if (typeof payload === 'string') {
    body = payload;
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (payload !== null && payload !== undefined) {
    body = JSON.stringify(payload);
    headers['content-type'] = 'application/json';
  }
  return { method: 'POST', path: '/', headers, query: {}, body, isBase64Encoded: false };
}
