import { isNotFound } from '@/api/errors';
import { ErrorBanner } from './error-banner';
import { NotFound, type Resource } from './not-found';
import { Loading, Page } from './page';

/**
 * A page about one resource before it has it: loading, not found (missing or hidden), or
 * failed for another reason. `title` is the page's title until the resource names it.
 */
export function ResourcePending({ title, resource, error }: { title: string; resource: Resource; error: unknown }) {
  if (isNotFound(error)) return <NotFound resource={resource} />;
  return (
    <Page title={title}>{error ? <ErrorBanner error={error} title={`Could not load the ${resource}`} /> : <Loading what={`Loading the ${resource}`} />}</Page>
  );
}
