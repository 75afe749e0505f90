import { FngraphError } from '@fngraph/sdk';

/**
 * The server's validation errors by input field (`extensions.details[].field`, dotted,
 * e.g. `executionConfig.timeout`), so forms show each beside its field. Messages without
 * a field are under ''.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof FngraphError)) return {};
  const byField: Record<string, string> = {};
  for (const graphqlError of error.errors) {
    const details = graphqlError.extensions?.details;
    if (!Array.isArray(details)) continue;
    for (const detail of details as { field?: string; message: string }[]) {
      const field = (detail.field ?? '').replace(/^input\./, '');
      byField[field] = byField[field] ? `${byField[field]}; ${detail.message}` : detail.message;
    }
  }
  return byField;
}
