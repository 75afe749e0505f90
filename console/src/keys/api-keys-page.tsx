import { useState } from 'react';
import { KeysPageApiKeysDocument, type KeysPageApiKeysQuery } from '@/api/graphql.generated';
import { usePagedQuery } from '@/api/paged-query';
import { useSession } from '@/api/session';
import { ErrorBanner } from '@/ui/error-banner';
import { LoadMoreFooter } from '@/ui/load-more-footer';
import { Empty, Loading, Page } from '@/ui/page';
import { ApiKeyTable } from './api-key-table';
import { CreateKeyDialog } from './create-key-dialog';
import { type ApiKey, apiKeyPrefix } from './key-lineage';
import { RevokeKeyDialog } from './revoke-key-dialog';
import './keys.css';

const PAGE_SIZE = 50;
const connection = (data: KeysPageApiKeysQuery) => data.apiKeys;

/** `#/keys`: the caller's API keys (every key for admins), newest first; create and revoke. */
export function ApiKeysPage() {
  const { isAdmin, credential } = useSession();
  const list = usePagedQuery(KeysPageApiKeysDocument, { first: PAGE_SIZE }, connection);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'revoke'; key: ApiKey } | null>(null);
  const close = () => setDialog(null);

  return (
    <Page
      title="API keys"
      actions={
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create key
        </button>
      }
    >
      <p className="muted">
        {isAdmin ? 'Every key of every user.' : 'Your keys.'} A key acts as its owner with its roles. Revoking a key also revokes every key minted with it.
      </p>
      <ErrorBanner error={list.error} title="Could not load the keys" />
      {list.loading && list.items.length === 0 ? <Loading what="Loading keys" /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <Empty>No API keys yet.</Empty> : null}
      {list.items.length > 0 ? (
        <ApiKeyTable keys={list.items} ownKeyPrefix={apiKeyPrefix(credential)} onRevoke={(key) => setDialog({ kind: 'revoke', key })} />
      ) : null}
      <LoadMoreFooter count={list.items.length} noun={['key', 'keys']} hasMore={list.hasMore} loadingMore={list.loadingMore} onLoadMore={list.loadMore} />
      {dialog?.kind === 'create' ? <CreateKeyDialog onCreated={list.reload} onClose={close} /> : null}
      {dialog?.kind === 'revoke' ? (
        <RevokeKeyDialog
          apiKey={dialog.key}
          onClose={close}
          onRevoked={() => {
            close();
            list.reload();
          }}
        />
      ) : null}
    </Page>
  );
}
