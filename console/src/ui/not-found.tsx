import { href } from '@/router';
import { Empty, Page } from './page';

/** What the console loads one at a time, as the NOT_FOUND screen speaks of it. */
export type Resource = 'function' | 'invocation';

const EXPLANATIONS: Record<Resource, { title: string; text: string; back: { path: string; label: string } }> = {
  function: {
    title: 'Function not found',
    text: 'There is no such function, or you may not see it (its owner can share it with you in its permissions).',
    back: { path: 'functions', label: 'Back to functions' },
  },
  invocation: {
    title: 'Invocation not found',
    text: 'There is no such invocation, or you may not see it.',
    back: { path: 'invocations', label: 'Back to invocations' },
  },
};

/** The screen for a resource the server answered NOT_FOUND for (missing, or hidden from the caller). */
export function NotFound({ resource }: { resource: Resource }) {
  const { title, text, back } = EXPLANATIONS[resource];
  return (
    <Page title={title}>
      <Empty>
        {text} <a href={href(back.path)}>{back.label}</a>
      </Empty>
    </Page>
  );
}
