import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function ApiKeysPage() {
  return <Page title="API keys">{null}</Page>;
}
