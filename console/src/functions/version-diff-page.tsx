import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function VersionDiffPage(_props: { functionId: string; from: string | null; to: string | null }) {
  return <Page title="Compare versions">{null}</Page>;
}
