import { type FormEvent, useRef, useState } from 'react';
import { KeysPageCreateApiKeyDocument } from '@/api/graphql.generated';
import { useMutation } from '@/api/hooks';
import { useSession } from '@/api/session';
import { CopyButton } from '@/ui/copy-button';
import { ErrorBanner } from '@/ui/error-banner';
import { Field } from '@/ui/field';
import { fieldErrors } from '@/ui/field-errors';
import { formatTime } from '@/ui/format';
import { ModalDialog } from '@/ui/modal-dialog';
import type { ApiKey } from './key-lineage';

/** The roles a key may hold (src/kernel/identity/roles.ts), most powerful first. */
const ROLES = [
  { role: 'admin', does: 'everything, every owner' },
  { role: 'developer', does: 'register and manage own functions' },
  { role: 'invoker', does: 'invoke functions shared with it' },
  { role: 'viewer', does: 'see functions shared with it' },
];

/** The input fields this form shows server validation errors beside. */
const FORM_FIELDS = ['name', 'roles', 'expiresAt', 'ownerId'];

/**
 * Creating a key, in two steps: the form, then the secret, shown once (the server keeps
 * only its hash). Closing the dialog forgets the secret.
 */
export function CreateKeyDialog({ onCreated, onClose }: { onCreated(key: ApiKey): void; onClose(): void }) {
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | null>(null);
  return (
    <ModalDialog title={created ? 'Copy your new key' : 'Create an API key'} onClose={onClose}>
      {created ? (
        <ShowSecretOnce apiKey={created.key} secret={created.secret} onDone={onClose} />
      ) : (
        <CreateKeyForm
          onCancel={onClose}
          onCreated={(key, secret) => {
            setCreated({ key, secret });
            onCreated(key);
          }}
        />
      )}
    </ModalDialog>
  );
}

function CreateKeyForm({ onCreated, onCancel }: { onCreated(key: ApiKey, secret: string): void; onCancel(): void }) {
  const { me, isAdmin } = useSession();
  const create = useMutation(KeysPageCreateApiKeyDocument);
  const grantable = ROLES.filter(({ role }) => isAdmin || me.roles.includes(role));
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(() => (grantable.length === 1 ? [grantable[0]!.role] : []));
  const [expires, setExpires] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const errors = fieldErrors(create.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      name: name.trim(),
      roles,
      ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
      ...(isAdmin && ownerId.trim() ? { ownerId: ownerId.trim() } : {}),
    };
    const { createApiKey } = await create.run({ input }).catch(() => ({ createApiKey: null }));
    if (createApiKey) onCreated(createApiKey.apiKey, createApiKey.secret);
  };
  const toggle = (role: string, on: boolean) => setRoles((current) => (on ? [...current, role] : current.filter((held) => held !== role)));
  // Errors shown beside a field need no banner; anything else (FORBIDDEN, …) gets one.
  const otherErrors = FORM_FIELDS.some((field) => errors[field]) ? null : create.error;

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Field label="Name" hint="What the key is for, e.g. “CI deploys”." error={errors.name}>
        {(control) => <input {...control} required maxLength={100} autoFocus value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <fieldset className={`role-choices${errors.roles ? ' field-invalid' : ''}`} aria-describedby="key-roles-hint">
        <legend>Roles</legend>
        {grantable.map(({ role, does }) => (
          <label key={role}>
            <input type="checkbox" checked={roles.includes(role)} onChange={(event) => toggle(role, event.target.checked)} />
            <span>
              <strong>{role}</strong> <span className="muted">— {does}</span>
            </span>
          </label>
        ))}
        <small id="key-roles-hint" className="hint">
          {isAdmin ? 'As an admin you may grant any role.' : 'You may grant only roles you hold.'}
        </small>
        {errors.roles ? (
          <small className="field-error" role="alert">
            {errors.roles}
          </small>
        ) : null}
      </fieldset>
      <Field
        label="Expires (optional)"
        hint={
          me.expiresAt ? `Your own credential expires ${formatTime(me.expiresAt)}: the key must expire no later.` : 'Leave empty for a key that never expires.'
        }
        error={errors.expiresAt}
      >
        {(control) => <input {...control} type="datetime-local" value={expires} onChange={(event) => setExpires(event.target.value)} />}
      </Field>
      {isAdmin ? (
        <Field label="Owner (optional)" hint={`The user the key acts as; yourself (${me.subject ?? 'you'}) when empty.`} error={errors.ownerId}>
          {(control) => <input {...control} spellCheck={false} value={ownerId} onChange={(event) => setOwnerId(event.target.value)} />}
        </Field>
      ) : null}
      <ErrorBanner error={otherErrors} title="Not created" />
      <div className="modal-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.running || name.trim() === '' || roles.length === 0}>
          {create.running ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

function ShowSecretOnce({ apiKey, secret, onDone }: { apiKey: ApiKey; secret: string; onDone(): void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <p className="notice" role="alert">
        This is the only time the key is shown: fngraph stores only its hash. Copy it now and keep it somewhere safe.
      </p>
      <Field label={`Secret of “${apiKey.name}”`} hint={`Roles: ${apiKey.roles.join(', ')} · owner ${apiKey.ownerId}`}>
        {(control) => (
          <div className="secret-row">
            <input {...control} ref={input} className="mono" readOnly value={secret} onFocus={(event) => event.target.select()} />
            <CopyButton text={secret} label="Copy the secret" target={input} />
          </div>
        )}
      </Field>
      <div className="modal-actions">
        <button type="button" className="primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </>
  );
}
