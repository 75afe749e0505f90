import { type FormEvent, useState } from 'react';
import type { AuditFilterInput } from '@/api/graphql.generated';
import { Field } from '@/ui/field';
import { AUDIT_ACTIONS } from './audit-actions';

interface FilterForm {
  action: string;
  actorId: string;
  targetId: string;
  since: string;
  until: string;
}

const EMPTY: FilterForm = { action: '', actorId: '', targetId: '', since: '', until: '' };

/** The form's fields as an `AuditFilterInput`, leaving out empty ones; local times become UTC instants. */
function toFilter(form: FilterForm): AuditFilterInput {
  return {
    ...(form.action ? { action: form.action } : {}),
    ...(form.actorId.trim() ? { actorId: form.actorId.trim() } : {}),
    ...(form.targetId.trim() ? { targetId: form.targetId.trim() } : {}),
    ...(form.since ? { since: new Date(form.since).toISOString() } : {}),
    ...(form.until ? { until: new Date(form.until).toISOString() } : {}),
  };
}

/** The audit log's filters, applied on submit (typing does not re-query on every key). */
export function AuditFilters({ onApply, errors }: { onApply(filter: AuditFilterInput): void; errors: Record<string, string> }) {
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const set = (field: keyof FilterForm) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));
  const error = (field: keyof FilterForm) => errors[field] ?? errors[`filter.${field}`];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(toFilter(form));
  };
  return (
    <form className="card filter-bar" onSubmit={submit} aria-label="Filter the audit log">
      <Field label="Action" error={error('action')}>
        {(control) => (
          <select {...control} value={form.action} onChange={set('action')}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action}>{action}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Actor" hint="User id" error={error('actorId')}>
        {(control) => <input {...control} spellCheck={false} value={form.actorId} onChange={set('actorId')} />}
      </Field>
      <Field label="Target id" hint="Function or key id" error={error('targetId')}>
        {(control) => <input {...control} spellCheck={false} value={form.targetId} onChange={set('targetId')} />}
      </Field>
      <Field label="From" hint="Inclusive, your time zone" error={error('since')}>
        {(control) => <input {...control} type="datetime-local" step="1" value={form.since} onChange={set('since')} />}
      </Field>
      <Field label="Until" hint="Exclusive" error={error('until')}>
        {(control) => <input {...control} type="datetime-local" step="1" value={form.until} onChange={set('until')} />}
      </Field>
      <div className="filter-bar-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setForm(EMPTY);
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
