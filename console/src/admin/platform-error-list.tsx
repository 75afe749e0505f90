import type { AdminPlatformErrorsQuery } from '@/api/graphql.generated';
import { href } from '@/router';
import { formatTime } from '@/ui/format';

export type PlatformError = AdminPlatformErrorsQuery['platformErrors']['errors'][number];

/** The node's recent unexpected errors, newest first: each with where it surfaced and what it touched. */
export function PlatformErrorList({ errors }: { errors: PlatformError[] }) {
  return (
    <ol className="platform-errors">
      {errors.map((error) => (
        <PlatformErrorItem key={error.id} error={error} />
      ))}
    </ol>
  );
}

function PlatformErrorItem({ error }: { error: PlatformError }) {
  return (
    <li className="card platform-error">
      <div className="platform-error-head">
        <time dateTime={error.occurredAt}>{formatTime(error.occurredAt)}</time>
        <span className="badge">{error.source}</span>
        {error.where ? <code className="small">{error.where}</code> : null}
      </div>
      <p className="platform-error-message">
        <strong>{error.type}</strong>: {error.message}
      </p>
      <Related error={error} />
      {error.stack.length > 0 ? (
        <details>
          <summary>Stack trace ({error.stack.length} lines)</summary>
          <pre>{error.stack.join('\n')}</pre>
        </details>
      ) : null}
    </li>
  );
}

/** What the error touched: the function, the invocation, the trace (to find its invocations), the request. */
function Related({ error }: { error: PlatformError }) {
  const facts = [
    error.functionName ? (
      <>
        function <code>{error.functionName}</code>
      </>
    ) : null,
    error.invocationId ? (
      <>
        invocation <a href={href('invocations', error.invocationId)}>{error.invocationId}</a>
      </>
    ) : null,
    error.traceId ? (
      <>
        trace <a href={href('invocations', { traceId: error.traceId })}>{error.traceId}</a>
      </>
    ) : null,
    error.requestId ? (
      <>
        request <code>{error.requestId}</code>
      </>
    ) : null,
  ].filter((fact) => fact !== null);
  if (facts.length === 0) return null;
  return (
    <ul className="platform-error-related small">
      {facts.map((fact, index) => (
        <li key={index}>{fact}</li>
      ))}
    </ul>
  );
}
