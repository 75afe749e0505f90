import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function PlatformErrorsPage() {
  return <Page title="Platform errors">{null}</Page>;
}
