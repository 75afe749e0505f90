import { useCallback, useEffect, useRef, useState } from 'react';
import {
  FunctionInvocationUpdatesDocument,
  type InvocationOutcomeFragment,
  InvokeAsyncDocument,
  InvokeTargetDocument,
  type InvokeTargetQuery,
} from '@/api/graphql.generated';
import { useMutation, useQuery, useSubscription } from '@/api/hooks';
import { useSession } from '@/api/session';
import { href } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { Loading, Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { FollowedInvocation } from './followed-invocation';
import { type HttpCall, type HttpCallRequest, methodHasBody, startHttpCall } from './http-call';
import { INITIAL_DRAFT, type RequestDraft, RequestForm } from './request-form';
import { SyncRun, type WatchTrace } from './sync-run';
import { newTraceId } from './trace-context';
import './invocations.css';

/** The last thing sent: a call waited for, or a queued invocation. */
type Run = { kind: 'sync'; call: HttpCall } | { kind: 'async'; queued: InvocationOutcomeFragment };

/** The invoke console: a request editor beside the response and the invocation's live logs. */
export function InvokePage({ functionId }: { functionId: string }) {
  const { data, error } = useQuery(InvokeTargetDocument, { id: functionId });
  const target = data?.function;
  if (!target) return <ResourcePending title="Invoke" resource="function" error={error} />;
  return <InvokeConsole target={target} />;
}

function InvokeConsole({ target }: { target: InvokeTargetQuery['function'] }) {
  const { credential } = useSession();
  const [draft, setDraft] = useState<RequestDraft>(INITIAL_DRAFT);
  const [run, setRun] = useState<Run | null>(null);
  const invokeAsync = useMutation(InvokeAsyncDocument);
  const watchTrace = useTraceWatch(target.id, target.viewerAccess.readInvocations);

  // A new run (or leaving the page) stops reading the last response.
  useEffect(() => () => (run?.kind === 'sync' ? run.call.abort() : undefined), [run]);

  const send = async () => {
    const request: HttpCallRequest = {
      functionName: target.name,
      version: draft.version || null,
      method: draft.method,
      path: draft.path,
      headers: draft.headers,
      body: draft.body,
    };
    invokeAsync.reset();
    if (draft.mode === 'sync') {
      setRun({ kind: 'sync', call: startHttpCall(request, credential, newTraceId()) });
      return;
    }
    setRun(null);
    const { invokeFunction } = await invokeAsync.run({
      input: { functionId: target.id, async: true, version: request.version ?? undefined, event: eventOf(request) },
    });
    setRun({ kind: 'async', queued: invokeFunction });
  };

  const title = `Invoke ${target.name}`;
  return (
    <Page title={title} actions={<a href={href('functions', target.id)}>Back to the function</a>}>
      {target.viewerAccess.invoke ? null : <p className="notice">You may not invoke this function: the server will refuse the request.</p>}
      <div className="invoke-layout">
        <RequestForm
          functionName={target.name}
          latestVersion={target.latestVersion.version}
          versions={target.versions.map((version) => version.version)}
          draft={draft}
          onChange={setDraft}
          onSend={() => void send().catch(() => undefined)}
          sending={invokeAsync.running}
        />
        <section className="invoke-result card" aria-label="Result">
          <ErrorBanner error={invokeAsync.error} title="Not queued" />
          {run === null ? (
            invokeAsync.running ? (
              <Loading what="Queueing" />
            ) : invokeAsync.error ? null : (
              <p className="muted">Send a request to see the response and the invocation's logs here, live.</p>
            )
          ) : run.kind === 'sync' ? (
            <SyncRun key={run.call.traceId} functionId={target.id} call={run.call} watchTrace={watchTrace} />
          ) : (
            <FollowedInvocation key={run.queued.id} invocationId={run.queued.id} initial={run.queued} showResult />
          )}
        </section>
      </div>
    </Page>
  );
}

/**
 * Watches every invocation of the function from the moment the page opens, so the one a
 * request starts is recognised by its trace id while it runs (only for callers who may
 * read all the function's invocations: the subscription needs that).
 */
function useTraceWatch(functionId: string, enabled: boolean): WatchTrace {
  const watched = useRef(new Map<string, (invocationId: string) => void>());
  useSubscription(
    FunctionInvocationUpdatesDocument,
    { functionId },
    ({ invocationUpdated }) => {
      if (invocationUpdated.traceId) watched.current.get(invocationUpdated.traceId)?.(invocationUpdated.id);
    },
    { skip: !enabled },
  );
  return useCallback((traceId, found) => {
    watched.current.set(traceId, found);
    return () => watched.current.delete(traceId);
  }, []);
}

/** The request as the event of `invokeFunction` (its query string as a map). */
function eventOf(request: HttpCallRequest) {
  const [path = '', search = ''] = request.path.split('?', 2);
  return {
    method: request.method,
    path: path.startsWith('/') ? path : `/${path}`,
    query: Object.fromEntries(new URLSearchParams(search)),
    headers: Object.fromEntries(request.headers.filter(([name]) => name.trim() !== '').map(([name, value]) => [name.trim().toLowerCase(), value])),
    body: methodHasBody(request.method) && request.body !== '' ? request.body : null,
  };
}
