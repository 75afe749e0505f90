import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function AuditLogPage() {
  return <Page title="Audit log">{null}</Page>;
}
