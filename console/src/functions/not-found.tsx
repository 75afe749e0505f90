import { FngraphError } from '@fngraph/sdk';
import { href } from '@/router';
import { Empty, Page } from '@/ui/page';

/** The server answers NOT_FOUND both for a missing function and for one the caller may not see. */
export function isNotFound(error: unknown): boolean {
  return error instanceof FngraphError && error.code === 'NOT_FOUND';
}

export function FunctionNotFound() {
  return (
    <Page title="Function not found">
      <Empty>
        There is no such function, or you may not see it (its owner can share it with you in its permissions). <a href={href('functions')}>Back to functions</a>
      </Empty>
    </Page>
  );
}
