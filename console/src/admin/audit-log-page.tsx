import { useState } from 'react';
import { AdminAuditLogDocument, type AdminAuditLogQuery, type AuditFilterInput } from '@/api/graphql.generated';
import { usePagedQuery } from '@/api/paged-query';
import { ErrorBanner } from '@/ui/error-banner';
import { fieldErrors } from '@/ui/field-errors';
import { LoadMoreFooter } from '@/ui/load-more-footer';
import { Empty, Loading, Page } from '@/ui/page';
import { AuditEntries } from './audit-entries';
import { AuditFilters } from './audit-filters';
import './admin.css';

const PAGE_SIZE = 50;
const connection = (data: AdminAuditLogQuery) => data.auditLog;

/** `#/admin/audit` (admins only, see routes.tsx): every management action, newest first. */
export function AuditLogPage() {
  const [filter, setFilter] = useState<AuditFilterInput>({});
  const log = usePagedQuery(AdminAuditLogDocument, { filter, first: PAGE_SIZE }, connection);
  const errors = fieldErrors(log.error);
  const filtered = Object.keys(filter).length > 0;
  return (
    <Page
      title="Audit log"
      actions={
        <button type="button" onClick={log.reload} disabled={log.loading}>
          Refresh
        </button>
      }
    >
      <AuditFilters onApply={setFilter} errors={errors} />
      {Object.keys(errors).length === 0 ? <ErrorBanner error={log.error} title="Could not load the audit log" /> : null}
      {log.loading && log.items.length === 0 ? <Loading what="Loading the audit log" /> : null}
      {!log.loading && !log.error && log.items.length === 0 ? <Empty>{filtered ? 'No entry matches these filters.' : 'Nothing recorded yet.'}</Empty> : null}
      {log.items.length > 0 ? <AuditEntries entries={log.items} /> : null}
      <LoadMoreFooter
        count={log.items.length}
        noun={['entry', 'entries']}
        hasMore={log.hasMore}
        loadingMore={log.loadingMore}
        onLoadMore={log.loadMore}
        label="Load older entries"
      />
    </Page>
  );
}
