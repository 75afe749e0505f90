import { formatTime } from '@/ui/format';
import { type ApiKey, keyLabel, keyState } from './key-lineage';

const STATE_BADGE = { active: 'badge-ok', revoked: 'badge-bad', expired: 'badge-neutral' } as const;

/** The caller's keys (every key, for admins): one row each, a revoke button on the live ones. */
export function ApiKeyTable({ keys, ownKeyPrefix, onRevoke }: { keys: ApiKey[]; ownKeyPrefix: string | null; onRevoke(key: ApiKey): void }) {
  return (
    <div className="table-scroll">
      <table className="api-keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Roles</th>
            <th scope="col">Owner</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <ApiKeyRow
              key={key.id}
              apiKey={key}
              mintedWith={key.createdByKeyId ? keys.find((other) => other.id === key.createdByKeyId) : undefined}
              isOwn={key.prefix === ownKeyPrefix}
              onRevoke={() => onRevoke(key)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `mintedWith`: the key it was created with, when listed (revoking that one revokes this one). */
function ApiKeyRow({ apiKey, mintedWith, isOwn, onRevoke }: { apiKey: ApiKey; mintedWith?: ApiKey; isOwn: boolean; onRevoke(): void }) {
  const state = keyState(apiKey);
  return (
    <tr className={state === 'active' ? undefined : 'key-inactive'}>
      <th scope="row">
        {apiKey.name}
        {isOwn ? <span className="badge this-session">this session</span> : null}
      </th>
      <td>
        <code>{keyLabel(apiKey)}</code>
      </td>
      <td>{apiKey.roles.join(', ')}</td>
      <td>{apiKey.ownerId}</td>
      <td>
        {formatTime(apiKey.createdAt)}
        {apiKey.createdBy && apiKey.createdBy !== apiKey.ownerId ? <div className="small muted">by {apiKey.createdBy}</div> : null}
        {mintedWith ? <div className="small muted key-parent">with “{mintedWith.name}”</div> : null}
      </td>
      <td>{apiKey.lastUsedAt ? formatTime(apiKey.lastUsedAt) : <span className="muted">never</span>}</td>
      <td>{apiKey.expiresAt ? formatTime(apiKey.expiresAt) : <span className="muted">never</span>}</td>
      <td>
        <span className={`badge ${STATE_BADGE[state]}`}>{state}</span>
        {apiKey.revokedAt ? <div className="small muted">{formatTime(apiKey.revokedAt)}</div> : null}
      </td>
      <td>
        {state === 'active' ? (
          <button type="button" className="danger small-button" onClick={onRevoke} aria-label={`Revoke ${apiKey.name} (${keyLabel(apiKey)})`}>
            Revoke
          </button>
        ) : null}
      </td>
    </tr>
  );
}
