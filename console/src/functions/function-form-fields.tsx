import { type Language, RuntimesDocument } from '@/api/graphql.generated';
import { useQuery } from '@/api/hooks';
import { CodeEditor } from '@/ui/code-editor';
import { Field } from '@/ui/field';
import { LANGUAGE_LABELS } from './code-format';
import { EVENT_FORMATS, type FunctionForm, STARTER_CODE } from './function-form-model';
import { DependencyRows, EnvironmentRows } from './key-value-rows';

export interface FieldsProps {
  form: FunctionForm;
  onChange: (form: FunctionForm) => void;
  /** Server validation messages by dotted field path. */
  errors: Record<string, string>;
  isNew: boolean;
  codeEditable: boolean;
}

/** Every registration field, in the order a first-time user fills them in. */
export function FunctionFormFields(props: FieldsProps) {
  return (
    <>
      <IdentitySection {...props} />
      {props.codeEditable ? <CodeSection {...props} /> : null}
      <fieldset className="card form-section">
        <legend>Dependencies</legend>
        <DependencyRows rows={props.form.dependencies} onChange={(dependencies) => props.onChange({ ...props.form, dependencies })} errors={props.errors} />
      </fieldset>
      <fieldset className="card form-section">
        <legend>Environment variables</legend>
        <EnvironmentRows rows={props.form.environment} onChange={(environment) => props.onChange({ ...props.form, environment })} errors={props.errors} />
      </fieldset>
      <LimitsSection {...props} />
      <AccessSection {...props} />
      <NetworkSection {...props} />
    </>
  );
}

function IdentitySection({ form, onChange, errors, isNew }: FieldsProps) {
  const set = (patch: Partial<FunctionForm>) => onChange({ ...form, ...patch });
  const changeLanguage = (language: Language) => {
    // A starter left as it was follows the language; code someone wrote is kept.
    const untouched = isNew && form.code === STARTER_CODE[form.language];
    set({ language, runtime: '', code: untouched ? STARTER_CODE[language] : form.code });
  };
  return (
    <fieldset className="card form-section">
      <legend>Function</legend>
      <div className="form-grid">
        <Field
          label="Name"
          error={errors.name}
          hint={isNew ? 'Lower-case letters, digits, "-" and "_": it answers at /fn/<name>.' : 'A function keeps its name.'}
        >
          {(control) => (
            <input {...control} value={form.name} readOnly={!isNew} required onChange={(event) => set({ name: event.target.value })} autoComplete="off" />
          )}
        </Field>
        <Field label="Version" error={errors.version} hint="Optional semantic version (e.g. 1.2.0); default: the latest patch + 1.">
          {(control) => <input {...control} value={form.version} placeholder="next patch" onChange={(event) => set({ version: event.target.value })} />}
        </Field>
      </div>
      <Field label="Description" error={errors.description}>
        {(control) => <input {...control} value={form.description} onChange={(event) => set({ description: event.target.value })} />}
      </Field>
      <div className="form-grid">
        <Field label="Language" error={errors.language}>
          {(control) => (
            <select {...control} value={form.language} onChange={(event) => changeLanguage(event.target.value as Language)}>
              {Object.entries(LANGUAGE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <RuntimeField form={form} onChange={onChange} errors={errors} />
        <Field
          label="Handler"
          error={errors.handler}
          hint={form.language === 'python' ? 'e.g. main.handle; default: handler in handler.py' : 'e.g. index.lambdaHandler; default: the default export'}
        >
          {(control) => <input {...control} value={form.handler} placeholder="language default" onChange={(event) => set({ handler: event.target.value })} />}
        </Field>
        <Field label="Event format" error={errors['executionConfig.eventFormat']}>
          {(control) => (
            <select {...control} value={form.eventFormat} onChange={(event) => set({ eventFormat: event.target.value })}>
              {EVENT_FORMATS.map((format) => (
                <option key={format.value} value={format.value}>
                  {format.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
    </fieldset>
  );
}

/** The runtimes of the language this server knows; deprecated and missing ones say so. */
function RuntimeField({ form, onChange, errors }: Pick<FieldsProps, 'form' | 'onChange' | 'errors'>) {
  const { data } = useQuery(RuntimesDocument, {});
  const runtimes = (data?.runtimes ?? []).filter((runtime) => runtime.languages.includes(form.language));
  const chosen = runtimes.find((runtime) => runtime.id === form.runtime);
  const hint = chosen?.deprecated
    ? `Deprecated: ${chosen.deprecationReason ?? 'choose a newer runtime'}`
    : form.runtime === ''
      ? 'The newest runtime of the language installed on this server.'
      : undefined;
  return (
    <Field label="Runtime" error={errors.runtime} hint={hint}>
      {(control) => (
        <select {...control} value={form.runtime} onChange={(event) => onChange({ ...form, runtime: event.target.value })}>
          <option value="">Newest installed</option>
          {/* A runtime no longer listed stays selectable for the function that uses it. */}
          {form.runtime && !chosen ? <option value={form.runtime}>{form.runtime}</option> : null}
          {runtimes.map((runtime) => (
            <option key={runtime.id} value={runtime.id}>
              {runtime.id}
              {runtime.deprecated ? ' (deprecated)' : ''}
              {runtime.available ? '' : ' (not installed)'}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function CodeSection({ form, onChange, errors }: FieldsProps) {
  return (
    <fieldset className={`card form-section${errors.code ? ' field-invalid' : ''}`}>
      <legend>Code</legend>
      <p className="hint">One source file. For several files, register an archive with the CLI or the API.</p>
      <CodeEditor value={form.code} onChange={(code) => onChange({ ...form, code })} language={form.language} label="Code" minHeight="18rem" />
      {errors.code ? (
        <small className="field-error" role="alert">
          {errors.code}
        </small>
      ) : null}
    </fieldset>
  );
}

function NumberField({
  label,
  value,
  onChange,
  error,
  hint,
  unit,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  unit: string;
}) {
  return (
    <Field label={`${label} (${unit})`} error={error} hint={hint}>
      {(control) => (
        <input {...control} type="number" inputMode="numeric" value={value} placeholder="default" onChange={(event) => onChange(event.target.value)} />
      )}
    </Field>
  );
}

function LimitsSection({ form, onChange, errors, isNew }: FieldsProps) {
  const set = (patch: Partial<FunctionForm>) => onChange({ ...form, ...patch });
  return (
    <fieldset className="card form-section">
      <legend>Limits and instances</legend>
      <div className="form-grid">
        <NumberField label="Timeout" unit="seconds" value={form.timeout} onChange={(timeout) => set({ timeout })} error={errors['executionConfig.timeout']} />
        <NumberField
          label="Memory limit"
          unit="MB"
          value={form.memoryLimit}
          onChange={(memoryLimit) => set({ memoryLimit })}
          error={errors['executionConfig.memoryLimit']}
        />
        <NumberField
          label="Min instances"
          unit="warm per node"
          value={form.minInstances}
          onChange={(minInstances) => set({ minInstances })}
          error={errors['executionConfig.minInstances']}
        />
        <NumberField
          label="Max instances"
          unit="per node"
          value={form.maxInstances}
          onChange={(maxInstances) => set({ maxInstances })}
          error={errors['executionConfig.maxInstances']}
          // On edit the API reads a missing (null) limit as "keep the current one".
          hint={
            isNew ? 'Empty: the platform default.' : 'Empty: the current limit stays. Once set, a limit can be changed but not reset to the platform default.'
          }
        />
        <NumberField
          label="Concurrency"
          unit="invocations per sandbox"
          value={form.concurrency}
          onChange={(concurrency) => set({ concurrency })}
          error={errors['executionConfig.concurrency']}
          hint={isNew ? 'Empty: 1, one at a time. JavaScript and TypeScript may take up to 1000 at once.' : 'Empty: the current setting stays.'}
        />
      </div>
    </fieldset>
  );
}

function AccessSection({ form, onChange, errors }: FieldsProps) {
  const set = (patch: Partial<FunctionForm>) => onChange({ ...form, ...patch });
  return (
    <fieldset className="card form-section">
      <legend>Tags and permissions</legend>
      <Field label="Tags" error={errors['metadata.tags']} hint="Comma-separated; the function list filters by tag.">
        {(control) => <input {...control} value={form.tags} onChange={(event) => set({ tags: event.target.value })} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={form.public} onChange={(event) => set({ public: event.target.checked })} />
        Public: anyone may invoke it without a key
      </label>
      <div className="form-grid">
        <Field label="Allowed users" error={errors['metadata.permissions.allowedUsers']} hint="User ids, comma-separated: they may see and invoke it.">
          {(control) => <input {...control} value={form.allowedUsers} onChange={(event) => set({ allowedUsers: event.target.value })} />}
        </Field>
        <Field label="Execution roles" error={errors['metadata.permissions.executionRoles']} hint="Roles whose holders may see and invoke it, e.g. invoker.">
          {(control) => <input {...control} value={form.executionRoles} onChange={(event) => set({ executionRoles: event.target.value })} />}
        </Field>
      </div>
    </fieldset>
  );
}

function NetworkSection({ form, onChange, errors }: FieldsProps) {
  const set = (patch: Partial<FunctionForm>) => onChange({ ...form, ...patch });
  return (
    <fieldset className="card form-section">
      <legend>Network</legend>
      <label className="checkbox">
        <input type="checkbox" checked={form.networkEnabled} onChange={(event) => set({ networkEnabled: event.target.checked })} />
        Outbound network access
      </label>
      {form.networkEnabled ? (
        <Field
          label="Allowed destinations"
          error={errors['executionConfig.network.allow'] ?? errors['executionConfig.network']}
          hint="One per line: host, host:port, *.domain:port, CIDR or [v6]:port; without a port, 80 and 443."
        >
          {(control) => <textarea {...control} value={form.networkAllow} onChange={(event) => set({ networkAllow: event.target.value })} />}
        </Field>
      ) : (
        <p className="hint">Off: the function cannot open connections.</p>
      )}
    </fieldset>
  );
}
