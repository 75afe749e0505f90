import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function InvocationListPage(_props: { functionId: string | null; status: string | null; traceId: string | null }) {
  return <Page title="Invocations">{null}</Page>;
}
