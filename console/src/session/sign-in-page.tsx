import { type FormEvent, useState } from 'react';
import { useSessionState } from '@/api/session';
import { ErrorBanner } from '@/ui/error-banner';
import { Field } from '@/ui/field';

/**
 * Signing in is handing the console an API key: it checks the key with `me` and keeps it
 * in this tab's sessionStorage only (gone when the tab closes or on sign-out).
 */
export function SignInPage() {
  const { signIn, endedBecause } = useSessionState();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">fngraph console</h1>
        {endedBecause ? (
          <p className="notice" role="status">
            {endedBecause}
          </p>
        ) : null}
        <Field label="API key" hint="An fng_… key or a JWT. Kept in this tab’s session storage only: gone when you sign out or close the tab.">
          {(control) => (
            <input {...control} type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(event) => setKey(event.target.value)} />
          )}
        </Field>
        <ErrorBanner error={error} title="Not signed in" />
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          No key yet? An administrator creates one (<code>npm run new-api-key</code>, or API keys in this console).
        </p>
      </form>
    </main>
  );
}
