import { useRef, useState } from 'react';
import { DeleteFunctionDocument, FunctionDetailDocument, type FunctionDetailQuery } from '@/api/graphql.generated';
import { isNotFound } from '@/api/errors';
import { useMutation, useQuery } from '@/api/hooks';
import { href, navigate } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { CopyButton } from '@/ui/copy-button';
import { formatTime } from '@/ui/format';
import { Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { BuildLog } from './build-log';
import { LANGUAGE_LABELS } from './code-format';
import { DependencyList, EnvironmentTable, SettingsList } from './function-settings';
import { TagList } from './tag-list';
import { VersionsTable } from './versions-table';
import './functions.css';

type FunctionDetail = FunctionDetailQuery['function'];

/** `#/functions/<id>`: everything about one function, and what the caller may do with it. */
export function FunctionDetailPage({ functionId }: { functionId: string }) {
  const query = useQuery(FunctionDetailDocument, { id: functionId });
  const fn = query.data?.function;
  // NOT_FOUND on a refresh too: it was deleted for good, or is no longer shared with the caller.
  if (!fn || isNotFound(query.error)) return <ResourcePending title="Function" resource="function" error={query.error} />;
  return (
    <Page title={fn.name} actions={<FunctionActions fn={fn} />}>
      <ErrorBanner error={query.error} title="Could not refresh" />
      {fn.deletedAt ? (
        <p className="notice" role="note">
          Deleted {formatTime(fn.deletedAt)}: its endpoints answer 404; its versions and invocations stay readable.
        </p>
      ) : null}
      <p className="lead">{fn.description || <span className="muted">No description.</span>}</p>
      <div className="grid">
        <Overview fn={fn} />
        <Endpoints fn={fn} />
      </div>
      <BuildLog
        key={fn.latestVersion.id}
        functionId={fn.id}
        version={fn.latestVersion.version}
        status={fn.latestVersion.buildStatus}
        log={fn.latestVersion.buildLog}
        onFinished={query.reload}
      />
      <div className="grid">
        <section className="card" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <SettingsList config={fn.executionConfig} />
        </section>
        <Permissions fn={fn} />
      </div>
      <div className="grid">
        <section className="card" aria-labelledby="env-heading">
          <h2 id="env-heading">Environment variables</h2>
          <EnvironmentTable variables={fn.executionConfig.environmentVariables} valuesReadable={fn.viewerAccess.readCode} />
        </section>
        <section className="card" aria-labelledby="deps-heading">
          <h2 id="deps-heading">Dependencies</h2>
          <DependencyList dependencies={fn.metadata.dependencies} />
        </section>
      </div>
      {fn.schedules.length > 0 ? <Schedules schedules={fn.schedules} /> : null}
      <VersionsTable functionId={fn.id} versions={fn.versions} />
    </Page>
  );
}

/** Only the controls the caller's access allows (the server enforces the same policy). */
function FunctionActions({ fn }: { fn: FunctionDetail }) {
  const access = fn.viewerAccess;
  const live = !fn.deletedAt;
  return (
    <>
      {access.invoke && live ? (
        <a className="button primary" href={href('functions', fn.id, 'invoke')}>
          Invoke
        </a>
      ) : null}
      {access.readInvocations ? (
        <a className="button" href={href('functions', fn.id, 'metrics')}>
          Metrics
        </a>
      ) : null}
      <a className="button" href={href('invocations', { functionId: fn.id })}>
        Invocations
      </a>
      {access.manage && live ? (
        <a className="button" href={href('functions', fn.id, 'edit')}>
          Edit
        </a>
      ) : null}
      {access.manage && live ? <DeleteFunction fn={fn} /> : null}
    </>
  );
}

/** Deleting asks once more, in the page (not a browser dialog), naming what stops working. */
function DeleteFunction({ fn }: { fn: FunctionDetail }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(DeleteFunctionDocument);
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm deletion">
      <span>
        Delete <strong>{fn.name}</strong>? <code>/fn/{fn.name}</code> stops answering at once.
      </span>
      <button
        type="button"
        className="danger"
        disabled={remove.running}
        onClick={() =>
          remove.run({ id: fn.id }).then(
            () => navigate(href('functions')),
            () => undefined,
          )
        }
      >
        {remove.running ? 'Deleting…' : 'Delete function'}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorBanner error={remove.error} title="Could not delete" />
    </div>
  );
}

function Overview({ fn }: { fn: FunctionDetail }) {
  const latest = fn.latestVersion;
  return (
    <section className="card" aria-labelledby="overview-heading">
      <h2 id="overview-heading">Overview</h2>
      <dl className="properties">
        <dt>Language</dt>
        <dd>{LANGUAGE_LABELS[fn.language]}</dd>
        <dt>Runtime</dt>
        <dd className="mono">{fn.runtime}</dd>
        <dt>Handler</dt>
        <dd className="mono">{latest.handler ?? <span className="muted">language default</span>}</dd>
        <dt>Event format</dt>
        <dd className="mono">{fn.executionConfig.eventFormat}</dd>
        <dt>Latest version</dt>
        <dd>
          <span className="mono">{latest.version}</span> <span className="muted">({formatTime(latest.createdAt)})</span>
        </dd>
        <dt>Author</dt>
        <dd>{fn.metadata.author ?? <span className="muted">—</span>}</dd>
        <dt>Created</dt>
        <dd>{formatTime(fn.metadata.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(fn.metadata.updatedAt)}</dd>
        <dt>Tags</dt>
        <dd>
          <TagList tags={fn.metadata.tags} />
        </dd>
        <dt>ID</dt>
        <dd className="mono">{fn.id}</dd>
      </dl>
    </section>
  );
}

function EndpointUrl({ url, label }: { url: string; label: string }) {
  const shown = useRef<HTMLElement>(null);
  return (
    <div className="endpoint-url">
      <code ref={shown}>{url}</code>
      <CopyButton text={url} label={`Copy the ${label} endpoint`} target={shown} />
    </div>
  );
}

function Endpoints({ fn }: { fn: FunctionDetail }) {
  const endpoints = [
    { label: 'HTTP', url: absoluteUrl(fn.endpoints.http), note: 'runs the latest version, any method and sub-path' },
    { label: 'Pinned', url: absoluteUrl(fn.endpoints.httpPinned), note: `always runs version ${fn.latestVersion.version}` },
  ];
  return (
    <section className="card" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Endpoints</h2>
      <ul className="endpoints">
        {endpoints.map((endpoint) => (
          <li key={endpoint.label}>
            <div>
              <strong>{endpoint.label}</strong> <span className="muted small">{endpoint.note}</span>
            </div>
            <EndpointUrl url={endpoint.url} label={endpoint.label} />
          </li>
        ))}
      </ul>
      {fn.metadata.permissions.public ? null : <p className="muted small">Not public: callers send an API key (Authorization: Bearer …).</p>}
    </section>
  );
}

/** The API answers paths on its own origin; a URL to copy names the origin too. */
function absoluteUrl(endpoint: string): string {
  return new URL(endpoint, window.location.origin).toString();
}

function Permissions({ fn }: { fn: FunctionDetail }) {
  const { permissions } = fn.metadata;
  return (
    <section className="card" aria-labelledby="permissions-heading">
      <h2 id="permissions-heading">Permissions</h2>
      <dl className="properties">
        <dt>Public</dt>
        <dd>{permissions.public ? 'Yes: anyone may invoke it without a key' : 'No'}</dd>
        <dt>Allowed users</dt>
        <dd>{permissions.allowedUsers.length > 0 ? permissions.allowedUsers.join(', ') : <span className="muted">none</span>}</dd>
        <dt>Execution roles</dt>
        <dd>{permissions.executionRoles.length > 0 ? permissions.executionRoles.join(', ') : <span className="muted">none</span>}</dd>
      </dl>
      <p className="muted small">Its owner and administrators always have access.</p>
    </section>
  );
}

function Schedules({ schedules }: { schedules: FunctionDetail['schedules'] }) {
  return (
    <section aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Schedules</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Cron</th>
              <th scope="col">Time zone</th>
              <th scope="col">Enabled</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => (
              <tr key={schedule.id}>
                <td className="mono">{schedule.cron}</td>
                <td>{schedule.timezone}</td>
                <td>{schedule.enabled ? 'Yes' : 'No'}</td>
                <td>{formatTime(schedule.nextRunAt)}</td>
                <td>
                  {formatTime(schedule.lastRunAt)}
                  {schedule.lastError ? <div className="field-error small">{schedule.lastError}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
