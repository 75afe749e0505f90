import { Page } from '@/ui/page';

/** Placeholder until this screen is built. */
export function FunctionMetricsPage(_props: { functionId: string }) {
  return <Page title="Metrics">{null}</Page>;
}
