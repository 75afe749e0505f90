import { useState } from 'react';
import { InvocationListDocument, InvocationListFunctionDocument, type InvocationRowFragment } from '@/api/graphql.generated';
import { useQuery } from '@/api/hooks';
import { href } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { formatMs, formatTime } from '@/ui/format';
import { Empty, Loading, Page } from '@/ui/page';
import { StatusBadge } from '@/ui/status-badge';
import { coldStartText } from './invocation-facts';
import { type InvocationFilter, InvocationFilters, isStatus, traceIdProblem } from './invocation-filters';
import './invocations.css';

const PAGE_SIZE = 25;

/** The invocation history, newest first, filtered by function, status and trace id (from the URL). */
export function InvocationListPage({ functionId, status, traceId }: { functionId: string | null; status: string | null; traceId: string | null }) {
  const filter: InvocationFilter = { functionId, status, traceId };
  const fn = useQuery(InvocationListFunctionDocument, { id: functionId ?? '' }, { skip: functionId === null });
  const functionName = functionId ? (fn.data?.function.name ?? null) : null;
  const filterKey = JSON.stringify(filter);
  return (
    <Page title={functionName ? `Invocations of ${functionName}` : 'Invocations'}>
      <InvocationFilters key={`filters ${filterKey}`} filter={filter} functionName={functionName} />
      {/* A new filter starts again at the first page. */}
      <InvocationPages key={`pages ${filterKey}`} filter={filter} />
    </Page>
  );
}

function InvocationPages({ filter }: { filter: InvocationFilter }) {
  // Cursors of the pages before this one (`after` of each), so "Newer" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const invalidTrace = filter.traceId ? traceIdProblem(filter.traceId) : null;
  const invalidStatus = filter.status !== null && !isStatus(filter.status);
  const { data, error, loading, reload } = useQuery(
    InvocationListDocument,
    {
      first: PAGE_SIZE,
      after,
      functionId: filter.functionId,
      status: isStatus(filter.status) ? filter.status : null,
      traceId: filter.traceId,
    },
    { skip: invalidTrace !== null || invalidStatus },
  );
  // Not sent: the filter form says what is wrong with the trace id.
  if (invalidTrace) return <Empty>Correct the trace id to search.</Empty>;
  if (invalidStatus) return <ErrorBanner error={new Error(`There is no status ${JSON.stringify(filter.status)}`)} title="Not searched" />;
  const page = data?.invocations;
  return (
    <>
      <ErrorBanner error={error} />
      {page ? (
        page.nodes.length === 0 ? (
          <Empty>No invocations match.</Empty>
        ) : (
          <InvocationTable invocations={page.nodes} showFunction={filter.functionId === null} />
        )
      ) : loading ? (
        <Loading what="Loading invocations" />
      ) : null}
      {/* Not while a page loads: a second click would act on the page being left (the same cursor twice). */}
      <div className="pager">
        <button type="button" disabled={loading || cursors.length === 1} onClick={() => setCursors((current) => current.slice(0, -1))}>
          Newer
        </button>
        <button
          type="button"
          disabled={loading || !page?.pageInfo.hasNextPage}
          onClick={() => {
            const older = page?.pageInfo.endCursor;
            if (older) setCursors((current) => (current.at(-1) === older ? current : [...current, older]));
          }}
        >
          Older
        </button>
        <button type="button" className="ghost" onClick={reload}>
          Refresh
        </button>
        <span className="muted small">Page {cursors.length}</span>
      </div>
    </>
  );
}

function InvocationTable({ invocations, showFunction }: { invocations: InvocationRowFragment[]; showFunction: boolean }) {
  return (
    <div className="table-scroll">
      <table aria-label="Invocations, newest first">
        <thead>
          <tr>
            <th scope="col">Invocation</th>
            {showFunction ? <th scope="col">Function</th> : null}
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Queued</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Cold start</th>
          </tr>
        </thead>
        <tbody>
          {invocations.map((invocation) => (
            <tr key={invocation.id}>
              <td>
                <a className="mono" href={href('invocations', invocation.id)}>
                  {invocation.id}
                </a>
              </td>
              {showFunction ? (
                <td>
                  <a href={href('functions', invocation.functionId)}>{invocation.functionName}</a>
                </td>
              ) : null}
              <td className="mono">{invocation.version}</td>
              <td>
                <StatusBadge status={invocation.status} />
              </td>
              <td>{invocation.trigger.toLowerCase()}</td>
              <td className="nowrap">{formatTime(invocation.queuedAt)}</td>
              <td className="nowrap">{formatTime(invocation.startedAt)}</td>
              <td className="nowrap">{formatMs(invocation.durationMs)}</td>
              <td>{coldStartText(invocation.coldStart)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
