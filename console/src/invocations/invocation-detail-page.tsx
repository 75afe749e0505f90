import { useState } from 'react';
import { type InvocationDetailQuery, InvocationDetailDocument, RedriveInvocationDocument } from '@/api/graphql.generated';
import { useMutation, useQuery } from '@/api/hooks';
import { href } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { formatBytes, formatMs, formatTime, prettyIfJson, prettyJson } from '@/ui/format';
import { Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { StatusBadge } from '@/ui/status-badge';
import { LogView } from '@/ui/log-view';
import { InvocationErrorView } from './invocation-error-view';
import { HeadersTable } from './headers-table';
import { TraceLink } from './invocation-facts';
import { useInvocationLogs } from './use-invocation-logs';
import { FINAL_STATUSES, useInvocationOutcome } from './use-invocation-outcome';
import './invocations.css';

type Detail = InvocationDetailQuery['invocation'];

/** Everything recorded about one invocation; while it is queued or running, kept live. */
export function InvocationDetailPage({ invocationId }: { invocationId: string }) {
  const { data, error, reload } = useQuery(InvocationDetailDocument, { id: invocationId });
  const [redriven, setRedriven] = useState(false);
  if (!data) return <ResourcePending title="Invocation" resource="invocation" error={error} />;
  // Re-driven (reloaded as QUEUED), it is followed live again from a fresh start.
  const onRedriven = () => {
    setRedriven(true);
    reload();
  };
  return (
    <InvocationDetail
      key={FINAL_STATUSES.has(data.invocation.status) ? 'final' : 'live'}
      detail={data.invocation}
      onRedriven={onRedriven}
      redriven={redriven}
    />
  );
}

function InvocationDetail({ detail, onRedriven, redriven }: { detail: Detail; onRedriven: () => void; redriven: boolean }) {
  const live = !FINAL_STATUSES.has(detail.status);
  // While it runs, the status comes from its updates; the query's answer covers the rest.
  const { outcome: updated } = useInvocationOutcome(detail.id, live ? null : detail);
  const invocation = { ...detail, ...(updated ?? {}) };
  return (
    <Page title={`Invocation ${invocation.id}`} actions={<InvocationActions invocation={invocation} onRedriven={onRedriven} />}>
      {redriven ? (
        <p className="notice" role="status">
          Re-driven: queued again with a fresh set of attempts.
        </p>
      ) : null}
      <div className="invocation-detail">
        <div className="grid">
          <Overview invocation={invocation} />
          <Timings invocation={invocation} />
          <Resources invocation={invocation} />
        </div>
        {invocation.error ? (
          <>
            <h2>Error</h2>
            <InvocationErrorView error={invocation.error} />
          </>
        ) : null}
        <div className="grid">
          <RequestView request={invocation.request} />
          <ResponseView invocation={invocation} />
        </div>
        <h2>Logs</h2>
        {live ? <LiveLogs invocationId={invocation.id} /> : <LogView lines={invocation.logs} label="Invocation logs" truncated={invocation.logsTruncated} />}
      </div>
    </Page>
  );
}

/** A running invocation's logs: the lines printed so far, then each as it is printed. */
function LiveLogs({ invocationId }: { invocationId: string }) {
  const logs = useInvocationLogs(invocationId);
  return (
    <>
      <LogView lines={logs.lines} label="Invocation logs" live={!logs.ended} />
      <ErrorBanner error={logs.error} title="Live logs stopped" />
    </>
  );
}

/** "Redrive" for a dead-lettered invocation, to those who may manage its function. */
function InvocationActions({ invocation, onRedriven }: { invocation: Detail; onRedriven: () => void }) {
  const redrive = useMutation(RedriveInvocationDocument);
  const links = (
    <>
      {invocation.function?.viewerAccess.invoke ? <a href={href('functions', invocation.function.id, 'invoke')}>Invoke again</a> : null}
      <a href={href('invocations', { functionId: invocation.functionId })}>All invocations of {invocation.functionName}</a>
    </>
  );
  if (invocation.status !== 'DEAD_LETTERED' || !invocation.function?.viewerAccess.manage) return links;
  return (
    <>
      {links}
      <button
        type="button"
        className="primary"
        disabled={redrive.running}
        onClick={() => void redrive.run({ id: invocation.id }).then(onRedriven, () => undefined)}
      >
        Redrive
      </button>
      <ErrorBanner error={redrive.error} title="Not re-driven" />
    </>
  );
}

function Overview({ invocation }: { invocation: Detail }) {
  return (
    <section className="card" aria-labelledby="overview-heading">
      <h2 id="overview-heading">Overview</h2>
      <dl className="properties">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={invocation.status} />
        </dd>
        <dt>Function</dt>
        <dd>
          {invocation.function ? <a href={href('functions', invocation.function.id)}>{invocation.functionName}</a> : invocation.functionName}{' '}
          <span className="mono">@{invocation.version}</span>
        </dd>
        <dt>Trigger</dt>
        <dd>{invocation.trigger.toLowerCase()}</dd>
        <dt>Caller</dt>
        <dd className="mono">{invocation.callerId ?? <span className="muted">anonymous or the platform</span>}</dd>
        <dt>Node</dt>
        <dd className="mono">{invocation.nodeId ?? '—'}</dd>
        <dt>Trace id</dt>
        <dd>
          <TraceLink traceId={invocation.traceId} />
        </dd>
        <dt>Attempt</dt>
        <dd>{invocation.attempt}</dd>
      </dl>
    </section>
  );
}

function Timings({ invocation }: { invocation: Detail }) {
  return (
    <section className="card" aria-labelledby="timings-heading">
      <h2 id="timings-heading">Timings</h2>
      <dl className="properties">
        <dt>Queued</dt>
        <dd>{formatTime(invocation.queuedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(invocation.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(invocation.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(invocation.durationMs)}</dd>
        <dt>Init duration</dt>
        <dd>{formatMs(invocation.initDurationMs)}</dd>
        <dt>Cold start</dt>
        <dd>{invocation.coldStart === null ? '—' : invocation.coldStart ? 'yes: a sandbox was started' : 'no: a warm sandbox ran it'}</dd>
      </dl>
    </section>
  );
}

function Resources({ invocation }: { invocation: Detail }) {
  return (
    <section className="card" aria-labelledby="resources-heading">
      <h2 id="resources-heading">Resources</h2>
      <dl className="properties">
        <dt>Memory peak</dt>
        <dd>{formatBytes(invocation.memoryPeakBytes)}</dd>
        <dt>CPU time</dt>
        <dd>{formatMs(invocation.cpuTimeMs)}</dd>
        <dt>Queued call</dt>
        <dd>{invocation.queued ? 'yes' : 'no'}</dd>
      </dl>
    </section>
  );
}

function RequestView({ request }: { request: Detail['request'] }) {
  const query = new URLSearchParams(request.query as Record<string, string>).toString();
  const headers = Object.entries((request.headers ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)] as const);
  return (
    <section className="card" aria-labelledby="request-heading">
      <h2 id="request-heading">Request</h2>
      <p className="mono">
        {request.method} {request.path}
        {query ? `?${query}` : ''}
      </p>
      <HeadersTable title="Headers" headers={headers} />
      {request.body ? (
        <pre className="response-body" aria-label="Request body">
          {request.isBase64Encoded ? `(base64) ${request.body}` : prettyIfJson(request.body)}
        </pre>
      ) : (
        <p className="muted">No body.</p>
      )}
      {request.truncated ? <p className="small muted">The stored body was cut to the storage limit.</p> : null}
    </section>
  );
}

function ResponseView({ invocation }: { invocation: Detail }) {
  return (
    <section className="card" aria-labelledby="response-heading">
      <h2 id="response-heading">Response</h2>
      {invocation.responseTruncated ? (
        <p className="notice">The result was too large to keep.</p>
      ) : invocation.response === null || invocation.response === undefined ? (
        <p className="muted">{FINAL_STATUSES.has(invocation.status) ? 'No result.' : 'Not finished yet.'}</p>
      ) : (
        <pre className="response-body" aria-label="Response body">
          {prettyJson(invocation.response)}
        </pre>
      )}
    </section>
  );
}
