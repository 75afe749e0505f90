import { type FormEvent, useState } from 'react';
import type { InvocationStatus } from '@/api/graphql.generated';
import { href, navigate } from '@/router';
import { Field } from '@/ui/field';
import { formatStatus } from '@/ui/format';
import { TRACE_ID } from './trace-context';

export const STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED'] satisfies InvocationStatus[];

export function isStatus(value: string | null): value is InvocationStatus {
  return value !== null && (STATUSES as string[]).includes(value);
}

/** The list's filters, as the URL carries them (so a filtered list can be shared). */
export interface InvocationFilter {
  functionId: string | null;
  status: string | null;
  traceId: string | null;
}

export function traceIdProblem(traceId: string): string | null {
  return TRACE_ID.test(traceId) ? null : 'A trace id is 32 hexadecimal digits (0–9, a–f).';
}

/** Status and trace id filters; applying them changes the URL, which the list follows. */
export function InvocationFilters({ filter, functionName }: { filter: InvocationFilter; functionName: string | null }) {
  const [status, setStatus] = useState(filter.status ?? '');
  const [traceId, setTraceId] = useState(filter.traceId ?? '');
  const [traceError, setTraceError] = useState<string | null>(() => (filter.traceId ? traceIdProblem(filter.traceId) : null));

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const trace = traceId.trim().toLowerCase();
    const problem = trace ? traceIdProblem(trace) : null;
    setTraceError(problem);
    if (problem) return;
    navigate(href('invocations', { functionId: filter.functionId ?? undefined, status: status || undefined, traceId: trace || undefined }));
  };

  return (
    <form className="filter-bar" onSubmit={apply} aria-label="Filters">
      {filter.functionId ? (
        <p className="function-filter">
          Function <a href={href('functions', filter.functionId)}>{functionName ?? filter.functionId}</a>{' '}
          <a href={href('invocations', { status: filter.status ?? undefined, traceId: filter.traceId ?? undefined })} className="small">
            (all functions)
          </a>
        </p>
      ) : null}
      <Field label="Status">
        {(control) => (
          <select {...control} value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {formatStatus(value)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="trace-field">
        <Field label="Trace id" error={traceError ?? undefined}>
          {(control) => (
            <input
              {...control}
              className="mono"
              value={traceId}
              onChange={(event) => setTraceId(event.target.value)}
              placeholder="32 hex digits"
              spellCheck={false}
            />
          )}
        </Field>
      </div>
      <div className="filter-bar-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
