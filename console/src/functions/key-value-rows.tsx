import { type DependencyRow, type EnvironmentRow, rowKey } from './function-form-model';

/** Errors under a map field, e.g. `metadata.dependencies.lodash` or the map itself. */
function entryError(errors: Record<string, string>, prefix: string, name: string): string | undefined {
  return errors[`${prefix}.${name.trim()}`];
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
  const update = (key: number, patch: Partial<DependencyRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  return (
    <>
      <p className="hint">npm or pip packages, installed when the version is built (the server needs a package registry for this).</p>
      {errors['metadata.dependencies'] ? <p className="field-error">{errors['metadata.dependencies']}</p> : null}
      {rows.length > 0 ? (
        <table className="compact row-editor">
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">Version spec</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const error = entryError(errors, 'metadata.dependencies', row.name);
              return (
                <tr key={row.key}>
                  <td>
                    <input
                      aria-label={`Package ${index + 1}`}
                      value={row.name}
                      onChange={(event) => update(row.key, { name: event.target.value })}
                      aria-invalid={error ? true : undefined}
                    />
                    {error ? <small className="field-error">{error}</small> : null}
                  </td>
                  <td>
                    <input
                      aria-label={`Version spec of package ${index + 1}`}
                      value={row.spec}
                      placeholder="*"
                      onChange={(event) => update(row.key, { spec: event.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small-button"
                      aria-label={`Remove package ${row.name || index + 1}`}
                      onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <button type="button" onClick={() => onChange([...rows, { key: rowKey(), name: '', spec: '' }])}>
        Add dependency
      </button>
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
  const update = (key: number, patch: Partial<EnvironmentRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const mapError = errors['executionConfig.environmentVariables'];
  return (
    <>
      <p className="hint">
        Secrets are stored encrypted and never shown again. Changing any variable replaces them all: stored secrets must then be typed again.
      </p>
      {mapError ? <p className="field-error">{mapError}</p> : null}
      {rows.length > 0 ? (
        <table className="compact row-editor">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Secret</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const error = entryError(errors, 'executionConfig.environmentVariables', row.name);
              return (
                <tr key={row.key}>
                  <td>
                    <input
                      aria-label={`Name of variable ${index + 1}`}
                      className="mono"
                      value={row.name}
                      onChange={(event) => update(row.key, { name: event.target.value })}
                      aria-invalid={error ? true : undefined}
                    />
                    {error ? (
                      <small className="field-error" role="alert">
                        {error}
                      </small>
                    ) : null}
                  </td>
                  <td>
                    <input
                      aria-label={`Value of variable ${row.name || index + 1}`}
                      type={row.secret ? 'password' : 'text'}
                      autoComplete="off"
                      value={row.value}
                      placeholder={row.storedSecret ? 'stored secret (unchanged)' : ''}
                      // Typing a value replaces the stored secret.
                      onChange={(event) => update(row.key, { value: event.target.value, storedSecret: false })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Variable ${row.name || index + 1} is secret`}
                      checked={row.secret}
                      onChange={(event) => update(row.key, { secret: event.target.checked, storedSecret: false })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small-button"
                      aria-label={`Remove variable ${row.name || index + 1}`}
                      onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <button type="button" onClick={() => onChange([...rows, { key: rowKey(), name: '', value: '', secret: false, storedSecret: false }])}>
        Add variable
      </button>
    </>
  );
}
