import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function FunctionEditorPage(_props: { functionId: string | null }) {
  return <Page title="Edit function">{null}</Page>;
}
