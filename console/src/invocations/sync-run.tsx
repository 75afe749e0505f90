import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { InvocationByTraceDocument } from '@/api/graphql.generated';
import { useSession } from '@/api/session';
import { ErrorBanner } from '@/ui/error-banner';
import { type HttpCall, invocationIdOf } from './http-call';
import { FollowedInvocation } from './followed-invocation';
import { HttpResponseView } from './http-response-view';

/** Registers interest in the invocation a trace id starts; returns the unregistration. */
export type WatchTrace = (traceId: string, found: (invocationId: string) => void) => () => void;

/** Until the invocation is found some other way, the list is asked this often for the trace id. */
const LOOKUP_INTERVAL_MS = 1000;

/**
 * One call of the function's endpoint, waited for: the response as it streams in, and the
 * invocation's logs live while it runs. The invocation's id only comes with the response,
 * so the request carries a trace id of ours and the invocation is found by it: from the
 * function's status updates (`watchTrace`, subscribed before the request went out), else
 * from the invocation list (the page's subscription may have missed the start, or the
 * caller may read only its own invocations), else from the response's header.
 */
export function SyncRun({ functionId, call, watchTrace }: { functionId: string; call: HttpCall; watchTrace: WatchTrace }) {
  const { client, report } = useSession();
  const { response, failure } = useSyncExternalStore(call.subscribe, call.state);
  const [foundId, setFoundId] = useState<string | null>(null);
  const found = useCallback((id: string) => setFoundId((current) => current ?? id), []);
  const invocationId = foundId ?? invocationIdOf(response);

  useEffect(() => watchTrace(call.traceId, found), [call.traceId, watchTrace, found]);

  const waiting = invocationId === null && !response?.complete && failure === null;
  useEffect(() => {
    if (!waiting) return;
    // One lookup at a time: on a slow server, ticks while one is out are skipped, not stacked.
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      client
        .request(InvocationByTraceDocument, { functionId, traceId: call.traceId })
        .then(({ invocations }) => {
          if (invocations.nodes[0]) found(invocations.nodes[0].id);
        }, report)
        .finally(() => {
          inFlight = false;
        });
    }, LOOKUP_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [waiting, client, functionId, call.traceId, found, report]);

  return (
    <div className="run">
      <p className="small muted">
        Trace id <span className="mono">{call.traceId}</span>
      </p>
      <h3>Response</h3>
      {failure ? <ErrorBanner error={failure} title="The request failed" /> : null}
      {response ? (
        <HttpResponseView response={response} />
      ) : failure ? null : (
        <p className="muted" role="status">
          Waiting for the response…
        </p>
      )}
      {invocationId ? (
        <FollowedInvocation invocationId={invocationId} />
      ) : response?.complete ? (
        <p className="muted">No invocation was started: the platform answered the request itself.</p>
      ) : failure ? null : (
        <p className="muted" role="status">
          Waiting for the invocation to start…
        </p>
      )}
    </div>
  );
}
