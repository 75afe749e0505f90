import { RowEditor } from '@/ui/row-editor';
import { type DependencyRow, type EnvironmentRow, rowKey } from './function-form-model';

/** The server's error for one entry of a map field, e.g. `metadata.dependencies.lodash`. */
function EntryError({ errors, field, name }: { errors: Record<string, string>; field: string; name: string }) {
  const error = errors[`${field}.${name.trim()}`];
  return error ? (
    <small className="field-error" role="alert">
      {error}
    </small>
  ) : null;
}

/** npm or pip packages, one per row. */
export function DependencyRows({
  rows,
  onChange,
  errors,
}: {
  rows: DependencyRow[];
  onChange: (rows: DependencyRow[]) => void;
  errors: Record<string, string>;
}) {
  const field = 'metadata.dependencies';
  return (
    <>
      <p className="hint">npm or pip packages, installed when the version is built (the server needs a package registry for this).</p>
      {errors[field] ? <p className="field-error">{errors[field]}</p> : null}
      <RowEditor
        rows={rows}
        onChange={onChange}
        newRow={() => ({ key: rowKey(), name: '', spec: '' })}
        addLabel="Add dependency"
        describe={(row, index) => `package ${row.name || index + 1}`}
        columns={[
          {
            header: 'Package',
            cell: (row, index, update) => (
              <>
                <input
                  aria-label={`Package ${index + 1}`}
                  value={row.name}
                  onChange={(event) => update({ name: event.target.value })}
                  aria-invalid={errors[`${field}.${row.name.trim()}`] ? true : undefined}
                />
                <EntryError errors={errors} field={field} name={row.name} />
              </>
            ),
          },
          {
            header: 'Version spec',
            cell: (row, index, update) => (
              <input
                aria-label={`Version spec of package ${index + 1}`}
                value={row.spec}
                placeholder="*"
                onChange={(event) => update({ spec: event.target.value })}
              />
            ),
          },
        ]}
      />
    </>
  );
}

/** Variables, one per row; a secret's stored value is never shown (the API does not return it). */
export function EnvironmentRows({
  rows,
  onChange,
  errors,
}: {
  rows: EnvironmentRow[];
  onChange: (rows: EnvironmentRow[]) => void;
  errors: Record<string, string>;
}) {
  const field = 'executionConfig.environmentVariables';
  return (
    <>
      <p className="hint">
        Secrets are stored encrypted and never shown again. Changing any variable replaces them all: stored secrets must then be typed again.
      </p>
      {errors[field] ? <p className="field-error">{errors[field]}</p> : null}
      <RowEditor
        rows={rows}
        onChange={onChange}
        newRow={() => ({ key: rowKey(), name: '', value: '', secret: false, storedSecret: false })}
        addLabel="Add variable"
        describe={(row, index) => `variable ${row.name || index + 1}`}
        columns={[
          {
            header: 'Name',
            cell: (row, index, update) => (
              <>
                <input
                  aria-label={`Name of variable ${index + 1}`}
                  className="mono"
                  value={row.name}
                  onChange={(event) => update({ name: event.target.value })}
                  aria-invalid={errors[`${field}.${row.name.trim()}`] ? true : undefined}
                />
                <EntryError errors={errors} field={field} name={row.name} />
              </>
            ),
          },
          {
            header: 'Value',
            cell: (row, index, update) => (
              <input
                aria-label={`Value of variable ${row.name || index + 1}`}
                type={row.secret ? 'password' : 'text'}
                autoComplete="off"
                value={row.value}
                placeholder={row.storedSecret ? 'stored secret (unchanged)' : ''}
                // Typing a value replaces the stored secret.
                onChange={(event) => update({ value: event.target.value, storedSecret: false })}
              />
            ),
          },
          {
            header: 'Secret',
            cell: (row, index, update) => (
              <input
                type="checkbox"
                aria-label={`Variable ${row.name || index + 1} is secret`}
                checked={row.secret}
                onChange={(event) => update({ secret: event.target.checked, storedSecret: false })}
              />
            ),
          },
        ]}
      />
    </>
  );
}
