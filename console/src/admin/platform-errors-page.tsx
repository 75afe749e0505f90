import { AdminPlatformErrorsDocument } from '@/api/graphql.generated';
import { useQuery } from '@/api/hooks';
import { ErrorBanner } from '@/ui/error-banner';
import { Empty, Loading, Page } from '@/ui/page';
import { PlatformErrorList } from './platform-error-list';
import './admin.css';

/** How many of the node's recent errors to show (it keeps a bounded number). */
const SHOWN = 50;

/** `#/admin/errors` (admins only, see routes.tsx): fngraph's own unexpected errors on the node that answers. */
export function PlatformErrorsPage() {
  const { data, error, loading, reload } = useQuery(AdminPlatformErrorsDocument, { first: SHOWN });
  const report = data?.platformErrors;
  return (
    <Page
      title="Platform errors"
      actions={
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      }
    >
      <p className="muted">
        fngraph&apos;s own failures, not functions&apos; errors (those are in their invocations). Each server node keeps its own: this is the node that
        answered.
      </p>
      <ErrorBanner error={error} title="Could not load the platform errors" />
      {!report && loading ? <Loading what="Loading platform errors" /> : null}
      {report ? (
        <>
          <dl className="properties platform-errors-summary">
            <dt>Node</dt>
            <dd>
              <code>{report.node}</code>
            </dd>
            <dt>Errors since it started</dt>
            <dd>{report.total}</dd>
          </dl>
          {report.errors.length === 0 ? (
            <Empty>No unexpected errors on this node since it started.</Empty>
          ) : (
            <>
              {report.total > report.errors.length ? (
                <p className="muted small">
                  The {report.errors.length} most recent of {report.total}.
                </p>
              ) : null}
              <PlatformErrorList errors={report.errors} />
            </>
          )}
        </>
      ) : null}
    </Page>
  );
}
