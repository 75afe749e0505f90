import type { InvocationOutcomeFragment } from '@/api/graphql.generated';

/** Why an invocation failed: its type and message, and its stack when the caller may read the code. */
export function InvocationErrorView({ error }: { error: NonNullable<InvocationOutcomeFragment['error']> }) {
  return (
    <div className="error-banner" role="group" aria-label="Error">
      <p>
        <strong className="mono">{error.type}</strong>: {error.message}
      </p>
      {error.stack ? <pre className="error-stack">{error.stack}</pre> : null}
    </div>
  );
}
