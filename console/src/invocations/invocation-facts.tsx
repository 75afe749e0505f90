import { href } from '@/router';
import { StatusBadge } from '@/ui/status-badge';
import { formatMs } from '@/ui/format';
import type { InvocationRowFragment } from '@/api/graphql.generated';

/** Whether a sandbox was started for it, in words. */
export function coldStartText(coldStart: boolean | null | undefined): string {
  if (coldStart === null || coldStart === undefined) return '—';
  return coldStart ? 'cold start' : 'warm';
}

/** The trace id, linking to every invocation recorded in that trace. */
export function TraceLink({ traceId }: { traceId: string | null | undefined }) {
  if (!traceId) return <span className="muted">—</span>;
  return (
    <a className="mono" href={href('invocations', { traceId })} title="Invocations in this trace">
      {traceId}
    </a>
  );
}

/** One line about an invocation: status, duration, cold start, and where to read all of it. */
export function InvocationHeadline({ invocation }: { invocation: InvocationRowFragment }) {
  return (
    <div className="invocation-headline" role="group" aria-label="Invocation">
      <StatusBadge status={invocation.status} />
      <span>
        <span className="muted">Duration </span>
        {formatMs(invocation.durationMs)}
      </span>
      <span>{coldStartText(invocation.coldStart)}</span>
      <a href={href('invocations', invocation.id)}>
        Invocation <span className="mono">{invocation.id}</span>
      </a>
    </div>
  );
}
