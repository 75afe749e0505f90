import type { ReactNode } from 'react';
import type { Session } from '@/api/session';
import { AuditLogPage } from '@/admin/audit-log-page';
import { PlatformErrorsPage } from '@/admin/platform-errors-page';
import { FunctionDetailPage } from '@/functions/function-detail-page';
import { FunctionEditorPage } from '@/functions/function-editor-page';
import { FunctionListPage } from '@/functions/function-list-page';
import { VersionDiffPage } from '@/functions/version-diff-page';
import { InvocationDetailPage } from '@/invocations/invocation-detail-page';
import { InvocationListPage } from '@/invocations/invocation-list-page';
import { InvokePage } from '@/invocations/invoke-page';
import { ApiKeysPage } from '@/keys/api-keys-page';
import { FunctionMetricsPage } from '@/metrics/function-metrics-page';
import { Empty, Page } from '@/ui/page';
import type { Route } from './router';

/** The console's screens by URL fragment (see router.tsx). */
export function routeElement({ segments, query }: Route, session: Session): ReactNode {
  const [section = 'functions', id, view] = segments;
  switch (section) {
    case 'functions':
      if (id === undefined) return <FunctionListPage />;
      if (id === 'new') return <FunctionEditorPage functionId={null} />;
      if (view === undefined) return <FunctionDetailPage key={id} functionId={id} />;
      if (view === 'edit') return <FunctionEditorPage key={id} functionId={id} />;
      if (view === 'diff') return <VersionDiffPage key={id} functionId={id} from={query.get('from')} to={query.get('to')} />;
      if (view === 'invoke') return <InvokePage key={id} functionId={id} />;
      if (view === 'metrics') return <FunctionMetricsPage key={id} functionId={id} />;
      break;
    case 'invocations':
      if (id === undefined) return <InvocationListPage functionId={query.get('functionId')} status={query.get('status')} traceId={query.get('traceId')} />;
      return <InvocationDetailPage key={id} invocationId={id} />;
    case 'keys':
      return <ApiKeysPage />;
    case 'admin':
      if (!session.isAdmin) break;
      if (id === 'audit') return <AuditLogPage />;
      if (id === 'errors') return <PlatformErrorsPage />;
      break;
  }
  return (
    <Page title="Not found">
      <Empty>
        Nothing here. <a href="#/functions">Back to functions</a>
      </Empty>
    </Page>
  );
}
