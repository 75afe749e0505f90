import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function InvokePage(_props: { functionId: string }) {
  return <Page title="Invoke">{null}</Page>;
}
