import type { FormEvent } from 'react';
import { CodeEditor } from '@/ui/code-editor';
import { Field } from '@/ui/field';
import { endpointPath, methodHasBody } from './http-call';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export type InvocationMode = 'sync' | 'async';

/** What the form holds: the request to send and how. */
export interface RequestDraft {
  method: string;
  path: string;
  /** '' for the latest version. */
  version: string;
  headers: [string, string][];
  body: string;
  mode: InvocationMode;
}

export const INITIAL_DRAFT: RequestDraft = {
  method: 'POST',
  path: '/',
  version: '',
  headers: [['content-type', 'application/json']],
  body: '{\n  "hello": "world"\n}\n',
  mode: 'sync',
};

export function isJsonContentType(headers: [string, string][]): boolean {
  return headers.some(([name, value]) => name.trim().toLowerCase() === 'content-type' && /json/i.test(value));
}

/** The request editor of the invoke console: method, path, version, headers, body, sync or async. */
export function RequestForm({
  functionName,
  latestVersion,
  versions,
  draft,
  onChange,
  onSend,
  sending,
}: {
  functionName: string;
  latestVersion: string;
  versions: string[];
  draft: RequestDraft;
  onChange: (draft: RequestDraft) => void;
  onSend: () => void;
  sending: boolean;
}) {
  const set = (change: Partial<RequestDraft>) => onChange({ ...draft, ...change });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSend();
  };
  const hasBody = methodHasBody(draft.method);
  return (
    <form className="request-form card" onSubmit={submit} aria-label="Request">
      <div className="request-line">
        <Field label="Method">
          {(control) => (
            <select {...control} value={draft.method} onChange={(event) => set({ method: event.target.value })}>
              {METHODS.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Path" hint={<span className="mono">{endpointPath(functionName, draft.version || null, draft.path)}</span>}>
          {(control) => <input {...control} className="mono" value={draft.path} onChange={(event) => set({ path: event.target.value })} spellCheck={false} />}
        </Field>
        <Field label="Version">
          {(control) => (
            <select {...control} value={draft.version} onChange={(event) => set({ version: event.target.value })}>
              <option value="">Latest ({latestVersion})</option>
              {versions.map((version) => (
                <option key={version} value={version}>
                  @{version}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <HeaderRows headers={draft.headers} onChange={(headers) => set({ headers })} />
      {hasBody ? (
        <div className="field">
          <span className="field-label" id="request-body-label">
            Body
          </span>
          <CodeEditor
            value={draft.body}
            onChange={(body) => set({ body })}
            language={isJsonContentType(draft.headers) ? 'json' : 'text'}
            label="Request body"
            minHeight="9rem"
          />
        </div>
      ) : (
        <p className="small muted">{draft.method} requests have no body.</p>
      )}
      <fieldset className="mode-switch">
        <legend>Invocation</legend>
        <label>
          <input type="radio" name="mode" value="sync" checked={draft.mode === 'sync'} onChange={() => set({ mode: 'sync' })} /> Wait for the response (sync)
        </label>
        <label>
          <input type="radio" name="mode" value="async" checked={draft.mode === 'async'} onChange={() => set({ mode: 'async' })} /> Queue it (async)
        </label>
      </fieldset>
      <button type="submit" className="primary" disabled={sending}>
        {sending ? 'Sending…' : 'Invoke'}
      </button>
    </form>
  );
}

/** Request headers as editable name/value rows. */
function HeaderRows({ headers, onChange }: { headers: [string, string][]; onChange: (headers: [string, string][]) => void }) {
  const update = (index: number, row: [string, string]) => onChange(headers.map((existing, at) => (at === index ? row : existing)));
  return (
    <fieldset className="header-rows">
      <legend>Headers</legend>
      {headers.length === 0 ? <p className="small muted">No headers.</p> : null}
      {headers.map(([name, value], index) => (
        // Rows have no identity of their own; the position is what the labels name too.
        <div className="header-row" key={index}>
          <input
            aria-label={`Header ${index + 1} name`}
            className="mono"
            placeholder="name"
            value={name}
            onChange={(event) => update(index, [event.target.value, value])}
          />
          <input
            aria-label={`Header ${index + 1} value`}
            className="mono"
            placeholder="value"
            value={value}
            onChange={(event) => update(index, [name, event.target.value])}
          />
          <button type="button" className="ghost" aria-label={`Remove header ${index + 1}`} onClick={() => onChange(headers.filter((_, at) => at !== index))}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...headers, ['', '']])}>
        Add header
      </button>
    </fieldset>
  );
}
