import { FngraphError } from '@fngraph/sdk';

/** A failed operation as the server explained it: its message, with the error code for reference. */
export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const code = error instanceof FngraphError ? error.code : undefined;
  return (
    <div className="error-banner" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {(error as Error).message || String(error)}
      {code ? <code className="error-code">{code}</code> : null}
    </div>
  );
}
