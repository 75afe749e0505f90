import { useState } from 'react';
import {
  FunctionForEditDocument,
  type FunctionForEditQuery,
  FunctionLatestCodeDocument,
  RegisterFunctionDocument,
  UpdateFunctionDocument,
} from '@/api/graphql.generated';
import { useMutation, useQuery } from '@/api/hooks';
import { useSession } from '@/api/session';
import { href, navigate } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { fieldErrors } from '@/ui/field-errors';
import { describeCodeFormat } from '@/ui/format';
import { Empty, Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { isArchive } from './code-format';
import { decodeSource } from './code-text';
import { FunctionFormFields } from './function-form-fields';
import { type FunctionForm, formFromFunction, newFunctionForm, registerInput, secretsToReenter, updateInput } from './function-form-model';
import './functions.css';

/** `#/functions/new` and `#/functions/<id>/edit`. */
export function FunctionEditorPage({ functionId }: { functionId: string | null }) {
  return functionId === null ? <NewFunction /> : <EditFunction functionId={functionId} />;
}

function NewFunction() {
  const { hasRole } = useSession();
  const register = useMutation(RegisterFunctionDocument);
  const [initial] = useState(newFunctionForm);
  if (!hasRole('developer')) {
    return (
      <Page title="New function">
        <Empty>Creating functions needs the developer role. Ask an administrator for a key that holds it.</Empty>
      </Page>
    );
  }
  return (
    <Page title="New function">
      <FunctionEditor
        initial={initial}
        isNew
        codeEditable
        saving={register.running}
        error={register.error}
        onSave={(form) => register.run({ input: registerInput(form) }).then(({ registerFunction }) => registerFunction.id)}
        cancelTo={href('functions')}
      />
    </Page>
  );
}

type Editable = FunctionForEditQuery['function'];

function EditFunction({ functionId }: { functionId: string }) {
  const query = useQuery(FunctionForEditDocument, { id: functionId });
  const fn = query.data?.function;
  // The code is fetched only when it can be shown as text.
  const codeReadable = fn !== undefined && fn.viewerAccess.readCode && !isArchive(fn.latestVersion.codeFormat);
  const code = useQuery(FunctionLatestCodeDocument, { id: functionId }, { skip: !codeReadable });
  if (!fn || (codeReadable && !code.data)) return <ResourcePending title="Edit function" resource="function" error={query.error ?? code.error} />;
  if (!fn.viewerAccess.manage) {
    return (
      <Page title={`Edit ${fn.name}`}>
        <Empty>
          You may not change this function: only its owner, administrators and developers it is shared with may.{' '}
          <a href={href('functions', fn.id)}>Back to {fn.name}</a>
        </Empty>
      </Page>
    );
  }
  const text = codeReadable ? decodeSource(code.data!.function.latestVersion.code) : '';
  return <EditLoadedFunction fn={fn} code={text} codeEditable={codeReadable} />;
}

function EditLoadedFunction({ fn, code, codeEditable }: { fn: Editable; code: string; codeEditable: boolean }) {
  const update = useMutation(UpdateFunctionDocument);
  const [initial] = useState(() => formFromFunction(fn, code));
  return (
    <Page title={`Edit ${fn.name}`}>
      <p className="notice" role="note">
        Saving creates a new version (after {fn.latestVersion.version}) from these settings; the current one stays available at its pinned URL.
      </p>
      {codeEditable ? null : (
        <p className="notice" role="note">
          {isArchive(fn.latestVersion.codeFormat)
            ? `The code of version ${fn.latestVersion.version} is a ${describeCodeFormat(fn.latestVersion.codeFormat)}: it cannot be edited here. The new version keeps it; change its settings below, or register a new archive with the CLI or the API.`
            : 'You may not read this function’s code: the new version keeps it, with the settings below.'}
        </p>
      )}
      <FunctionEditor
        initial={initial}
        isNew={false}
        codeEditable={codeEditable}
        saving={update.running}
        error={update.error}
        onSave={(form) => update.run({ id: fn.id, input: updateInput(initial, form, codeEditable) }).then(() => fn.id)}
        cancelTo={href('functions', fn.id)}
      />
    </Page>
  );
}

/** The form, its save and its errors; `onSave` resolves with the function's id. */
function FunctionEditor({
  initial,
  isNew,
  codeEditable,
  saving,
  error,
  onSave,
  cancelTo,
}: {
  initial: FunctionForm;
  isNew: boolean;
  codeEditable: boolean;
  saving: boolean;
  error: Error | null;
  onSave: (form: FunctionForm) => Promise<string>;
  cancelTo: string;
}) {
  const [form, setForm] = useState(initial);
  const [reenter, setReenter] = useState<string[]>([]);
  const errors = fieldErrors(error);
  // Checked here before sending: the server cannot tell a forgotten secret from an empty one.
  for (const name of reenter) errors[`executionConfig.environmentVariables.${name}`] ??= 'Type this secret’s value again (see above)';
  const save = () => {
    const missing = isNew ? [] : secretsToReenter(initial, form).map((row) => row.name.trim());
    setReenter(missing);
    if (missing.length > 0) return;
    onSave(form).then(
      (id) => navigate(href('functions', id)),
      () => undefined, // shown from `error`
    );
  };
  return (
    <form
      className="function-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <ErrorBanner error={error} title={isNew ? 'Could not create the function' : 'Could not save the new version'} />
      {reenter.length > 0 ? (
        <div className="error-banner" role="alert">
          The environment variables changed, and the API replaces them together: type the value of {reenter.length === 1 ? 'secret' : 'secrets'}{' '}
          {reenter.join(', ')} again (stored secrets are never sent back to the console).
        </div>
      ) : null}
      <FunctionFormFields form={form} onChange={setForm} errors={errors} isNew={isNew} codeEditable={codeEditable} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : isNew ? 'Create function' : 'Save new version'}
        </button>
        <a className="button" href={cancelTo}>
          Cancel
        </a>
        {error || reenter.length > 0 ? (
          <span className="field-error" role="status">
            Not saved: see the errors above.
          </span>
        ) : null}
      </div>
    </form>
  );
}
