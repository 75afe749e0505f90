import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function InvocationDetailPage(_props: { invocationId: string }) {
  return <Page title="Invocation">{null}</Page>;
}
