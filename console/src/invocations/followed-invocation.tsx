import type { InvocationOutcomeFragment } from '@/api/graphql.generated';
import { ErrorBanner } from '@/ui/error-banner';
import { prettyJson } from '@/ui/format';
import { Loading } from '@/ui/page';
import { LogView } from '@/ui/log-view';
import { InvocationErrorView } from './invocation-error-view';
import { InvocationHeadline } from './invocation-facts';
import { useInvocationLogs } from './use-invocation-logs';
import { useInvocationOutcome } from './use-invocation-outcome';

/**
 * An invocation followed live: its status as it changes and its logs as they are printed,
 * until it ends; with `showResult`, then the function's result (a queued call's response).
 */
export function FollowedInvocation({
  invocationId,
  initial = null,
  showResult = false,
}: {
  invocationId: string;
  initial?: InvocationOutcomeFragment | null;
  showResult?: boolean;
}) {
  const { outcome, error, final } = useInvocationOutcome(invocationId, initial);
  const logs = useInvocationLogs(invocationId);
  return (
    <div className="followed-invocation">
      {outcome ? <InvocationHeadline invocation={outcome} /> : <Loading what="Finding the invocation" />}
      <ErrorBanner error={error} title="Status updates stopped" />
      <h3>Logs</h3>
      <LogView lines={logs.lines} label="Invocation logs" live={!logs.ended && !final} />
      <ErrorBanner error={logs.error} title="Live logs stopped" />
      {showResult && outcome ? <QueuedResult outcome={outcome} final={final} /> : null}
    </div>
  );
}

/** What a queued invocation returned (or why it did not), once it has ended. */
function QueuedResult({ outcome, final }: { outcome: InvocationOutcomeFragment; final: boolean }) {
  if (!final) {
    return (
      <p className="muted" role="status">
        {outcome.status === 'QUEUED' ? 'Queued: waiting for a worker…' : 'Running…'}
      </p>
    );
  }
  return (
    <section aria-labelledby="function-result-heading">
      <h3 id="function-result-heading">Function result</h3>
      {outcome.error ? <InvocationErrorView error={outcome.error} /> : null}
      {outcome.responseTruncated ? (
        <p className="notice">The result was too large to keep.</p>
      ) : outcome.status === 'SUCCEEDED' ? (
        <pre className="response-body" aria-label="Response body">
          {prettyJson(outcome.response)}
        </pre>
      ) : null}
    </section>
  );
}
