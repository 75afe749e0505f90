import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function FunctionDetailPage(_props: { functionId: string }) {
  return <Page title="Function">{null}</Page>;
}
