import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function FunctionListPage() {
  return <Page title="Functions">{null}</Page>;
}
