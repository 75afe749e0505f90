import { useEffect, useState } from 'react';
import { KeysPageRevokeApiKeyDocument, MeDocument } from '@/api/graphql.generated';
import { useMutation } from '@/api/hooks';
import { useSession } from '@/api/session';
import { ErrorBanner } from '@/ui/error-banner';
import { Loading } from '@/ui/page';
import { ModalDialog } from '@/ui/modal-dialog';
import { type ApiKey, apiKeyPrefix, descendantsOf, keyLabel, listAllKeys } from './key-lineage';

/**
 * Confirms a revocation, naming every key that goes with it (the keys minted with it,
 * transitively: the server revokes them too), and warns when that includes the key this
 * console is signed in with.
 */
export function RevokeKeyDialog({ apiKey, onRevoked, onClose }: { apiKey: ApiKey; onRevoked(): void; onClose(): void }) {
  const { client, credential, report, signOut } = useSession();
  const keyPrefix = apiKeyPrefix(credential);
  const revoke = useMutation(KeysPageRevokeApiKeyDocument);
  const [lineage, setLineage] = useState<{ descendants: ApiKey[]; complete: boolean } | null>(null);
  const [lineageError, setLineageError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    listAllKeys(client).then(
      ({ keys, complete }) => current && setLineage({ descendants: descendantsOf(apiKey, keys), complete }),
      (error: unknown) => {
        report(error);
        if (current) setLineageError(error);
      },
    );
    return () => {
      current = false;
    };
  }, [apiKey, client, report]);

  const goes = [apiKey, ...(lineage?.descendants ?? [])];
  const includesOwnKey = keyPrefix !== null && goes.some((key) => key.prefix === keyPrefix);

  const confirm = async () => {
    const revoked = await revoke.run({ id: apiKey.id }).catch(() => null);
    if (!revoked) return;
    if (includesOwnKey) {
      signOut('You revoked the key you were signed in with. Sign in with another one.');
      return;
    }
    // A key of this session's lineage the list could not show (an ancestor, a key beyond
    // the pages read): the server now refuses it, and `report` signs out at once.
    await client.request(MeDocument).catch(report);
    onRevoked();
  };

  return (
    <ModalDialog title={`Revoke “${apiKey.name}”?`} onClose={onClose}>
      <p>
        <code>{keyLabel(apiKey)}</code> stops working at once, on every server node; its open live connections are closed. This cannot be undone.
      </p>
      {lineage === null && !lineageError ? <Loading what="Looking for keys minted with it" /> : null}
      <ErrorBanner error={lineageError} title="Could not list the keys minted with it (they are revoked too)" />
      {lineage ? <Descendants keys={lineage.descendants} complete={lineage.complete} /> : null}
      {includesOwnKey ? (
        <p className="notice" role="alert">
          This includes the key you are signed in with: the console signs you out.
        </p>
      ) : null}
      <ErrorBanner error={revoke.error} title="Not revoked" />
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={revoke.running} onClick={() => void confirm()}>
          {revoke.running ? 'Revoking…' : lineage?.descendants.length ? `Revoke ${1 + lineage.descendants.length} keys` : 'Revoke key'}
        </button>
      </div>
    </ModalDialog>
  );
}

function Descendants({ keys, complete }: { keys: ApiKey[]; complete: boolean }) {
  if (keys.length === 0) return <p className="muted">No other key was minted with it{complete ? '' : ' among the keys listed'}.</p>;
  return (
    <>
      <p>
        These keys were minted with it (or with keys minted with it) and are revoked with it, whoever owns them
        {complete ? '' : ', and any beyond the keys listed'}:
      </p>
      <ul className="revoked-with">
        {keys.map((key) => (
          <li key={key.id}>
            <strong>{key.name}</strong> <code>{keyLabel(key)}</code> <span className="muted">owner {key.ownerId}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
