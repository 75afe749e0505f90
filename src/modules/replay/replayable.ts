import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { PURGED_REQUEST } from '@/modules/invocations/invocation-request.js';

/**
 * Why a recorded invocation cannot be run again as it was, or null when it can. A request
 * is replayable when it came from a caller (HTTP, GraphQL, async), finished, and was kept
 * whole: a body cut to the storage cap, or a payload emptied by retention, would send
 * something else; schedule ticks and destination calls are events the platform made, and
 * shadow and replay runs are copies (replay their original instead).
 */
export function unreplayableReason(record: InvocationRecord): string | null {
  switch (record.trigger) {
    case 'SCHEDULE':
      return "A schedule's tick: its event is made by the scheduler, not a recorded request";
    case 'DESTINATION':
      return "A destination call: its event is made by the platform from another invocation's outcome";
    case 'SHADOW':
    case 'REPLAY':
      return `A ${record.trigger} run of invocation ${record.comparedWith ?? '(unknown)'}: replay that one instead`;
    default:
      break;
  }
  if (record.status === 'QUEUED' || record.status === 'RUNNING') return `Not finished (${record.status})`;
  if (record.requestTruncated) return 'Its request body was kept only in part (over the 64 KiB stored), so it cannot be sent again as it was';
  if (record.request.method === PURGED_REQUEST.method) return 'Its request was emptied by payload retention (FNGRAPH_INVOCATION_PAYLOAD_RETENTION_DAYS)';
  return null;
}

/** Header names the record keeps only as `[redacted]` (credentials the function was sent). */
export function redactedHeaders(record: InvocationRecord): string[] {
  return Object.entries(record.request.headers)
    .filter(([, value]) => value === '[redacted]')
    .map(([name]) => name)
    .sort();
}
