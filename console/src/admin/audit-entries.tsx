import type { AdminAuditLogQuery } from '@/api/graphql.generated';
import { href } from '@/router';
import { formatTime } from '@/ui/format';

export type AuditEntry = AdminAuditLogQuery['auditLog']['nodes'][number];

/** Audit entries, newest first: when, who, what, to which resource, from where; details on demand. */
export function AuditEntries({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-scroll">
      <table className="audit-entries">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">IP</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <AuditRow key={entry.id} entry={entry} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={entry.at}>{formatTime(entry.at)}</time>
      </td>
      <td>
        {entry.actorId ?? <span className="muted">anonymous</span>}
        <div className="small muted" title={entry.credentialId ? `Credential ${entry.credentialId}` : undefined}>
          {entry.actorKind === 'apiKey' ? 'API key' : entry.actorKind}
        </div>
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        <Target type={entry.targetType} id={entry.targetId} />
      </td>
      <td className="nowrap">
        {entry.ip ?? <span className="muted">—</span>}
        {entry.userAgent ? (
          <div className="small muted user-agent" title={entry.userAgent}>
            {entry.userAgent}
          </div>
        ) : null}
      </td>
      <td>
        <Details details={entry.details} action={entry.action} />
      </td>
    </tr>
  );
}

function Target({ type, id }: { type: string; id: string | null }) {
  if (id === null) return <span className="muted">{type}</span>;
  return (
    <>
      <span className="muted">{type} </span>
      {type === 'function' ? <a href={href('functions', id)}>{id}</a> : <code className="small">{id}</code>}
    </>
  );
}

/** A one-line preview of the details (name=…, roles=…), the whole JSON when expanded. */
function Details({ details, action }: { details: unknown; action: string }) {
  const fields = details && typeof details === 'object' ? Object.entries(details as Record<string, unknown>) : [];
  if (fields.length === 0) return <span className="muted">—</span>;
  const preview = fields
    .slice(0, 3)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  return (
    <details className="audit-details">
      <summary aria-label={`Details of ${action}: ${preview}`}>
        <span className="preview">{preview}</span>
      </summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}
