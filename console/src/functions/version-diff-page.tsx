import {
  VersionCodeDocument,
  VersionForDiffDocument,
  type VersionForDiffQuery,
  VersionPickerListDocument,
  type VersionPickerListQuery,
} from '@/api/graphql.generated';
import { isNotFound } from '@/api/errors';
import { useQuery } from '@/api/hooks';
import { href, navigate } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { Field } from '@/ui/field';
import { describeCodeFormat, formatBytes, formatTime } from '@/ui/format';
import { Empty, Loading, Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { isArchive } from './code-format';
import { decodeSource } from './code-text';
import { CodeMergeView } from './code-merge-view';
import { configDifferences } from './config-diff';
import './functions.css';

type PickerFunction = VersionPickerListQuery['function'];
type Version = VersionForDiffQuery['functionVersion'];

/** `#/functions/<id>/diff?from=&to=`: two versions' code and settings side by side. */
export function VersionDiffPage({ functionId, from, to }: { functionId: string; from: string | null; to: string | null }) {
  const query = useQuery(VersionPickerListDocument, { id: functionId });
  const fn = query.data?.function;
  if (!fn) return <ResourcePending title="Compare versions" resource="function" error={query.error} />;
  // Without a choice: the version before the latest against the latest (versions are newest first).
  const toVersion = to ?? fn.versions[0]!.version;
  const fromVersion = from ?? fn.versions[1]?.version ?? toVersion;
  return (
    <Page
      title={`Compare versions of ${fn.name}`}
      actions={
        <a className="button" href={href('functions', fn.id)}>
          Back to {fn.name}
        </a>
      }
    >
      <VersionPickers fn={fn} from={fromVersion} to={toVersion} />
      {fromVersion === toVersion ? <Empty>Pick two different versions to compare.</Empty> : <VersionComparison fn={fn} from={fromVersion} to={toVersion} />}
    </Page>
  );
}

/** Choosing a version changes the URL, so a comparison can be bookmarked and shared. */
function VersionPickers({ fn, from, to }: { fn: PickerFunction; from: string; to: string }) {
  const choose = (next: { from: string; to: string }) => navigate(href('functions', fn.id, 'diff', next));
  const options = fn.versions.map((version) => (
    <option key={version.id} value={version.version}>
      {version.version} ({formatTime(version.createdAt)})
    </option>
  ));
  return (
    <div className="version-pickers">
      <Field label="From version">
        {(control) => (
          <select {...control} value={from} onChange={(event) => choose({ from: event.target.value, to })}>
            {options}
          </select>
        )}
      </Field>
      <button type="button" className="swap" onClick={() => choose({ from: to, to: from })} aria-label="Swap the two versions">
        ⇄
      </button>
      <Field label="To version">
        {(control) => (
          <select {...control} value={to} onChange={(event) => choose({ from, to: event.target.value })}>
            {options}
          </select>
        )}
      </Field>
    </div>
  );
}

function VersionComparison({ fn, from, to }: { fn: PickerFunction; from: string; to: string }) {
  const before = useQuery(VersionForDiffDocument, { functionId: fn.id, version: from });
  const after = useQuery(VersionForDiffDocument, { functionId: fn.id, version: to });
  const error = before.error ?? after.error;
  if (error) return <ErrorBanner error={error} title={isNotFound(error) ? 'No such version' : 'Could not load the versions'} />;
  if (!before.data || !after.data) return <Loading what="Loading both versions" />;
  const a = before.data.functionVersion;
  const b = after.data.functionVersion;
  return (
    <>
      <section aria-labelledby="code-diff-heading">
        <h2 id="code-diff-heading">Code</h2>
        <CodeDiff fn={fn} before={a} after={b} />
      </section>
      <section aria-labelledby="config-diff-heading">
        <h2 id="config-diff-heading">Settings</h2>
        <ConfigDiffTable before={a} after={b} />
      </section>
    </>
  );
}

function CodeDiff({ fn, before, after }: { fn: PickerFunction; before: Version; after: Version }) {
  if (!fn.viewerAccess.readCode)
    return <p className="notice">You may not read this function’s code, so its changes cannot be shown. The settings below are compared.</p>;
  if (before.codeHash === after.codeHash) {
    return <p className="muted">Same code in both versions (sha256 {before.codeHash.slice(0, 12)}).</p>;
  }
  if (isArchive(before.codeFormat) || isArchive(after.codeFormat)) return <ArchiveDifference before={before} after={after} />;
  return <SourceDiff functionId={fn.id} language={after.language} before={before} after={after} />;
}

/** Archives are not shown as text: what differs is the archive itself. */
function ArchiveDifference({ before, after }: { before: Version; after: Version }) {
  const describe = (version: Version) => `${describeCodeFormat(version.codeFormat)}, ${formatBytes(version.codeSizeBytes)}`;
  return (
    <>
      <p className="notice">The code differs, and at least one version is an archive: archives are compared by their hash and size, not as text.</p>
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Code</th>
            <th scope="col">sha256</th>
          </tr>
        </thead>
        <tbody>
          {[before, after].map((version) => (
            <tr key={version.id}>
              <td className="mono">{version.version}</td>
              <td>{describe(version)}</td>
              <td className="mono hash">{version.codeHash}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function SourceDiff({ functionId, language, before, after }: { functionId: string; language: Version['language']; before: Version; after: Version }) {
  const a = useQuery(VersionCodeDocument, { functionId, version: before.version });
  const b = useQuery(VersionCodeDocument, { functionId, version: after.version });
  const error = a.error ?? b.error;
  if (error) return <ErrorBanner error={error} title="Could not load the code" />;
  if (!a.data || !b.data) return <Loading what="Loading the code" />;
  return (
    <CodeMergeView
      before={decodeSource(a.data.functionVersion.code)}
      after={decodeSource(b.data.functionVersion.code)}
      language={language}
      beforeLabel={`Code of version ${before.version}`}
      afterLabel={`Code of version ${after.version}`}
    />
  );
}

function ConfigDiffTable({ before, after }: { before: Version; after: Version }) {
  const differences = configDifferences(before, after);
  if (differences.length === 0) return <p className="muted">No differences in the settings.</p>;
  return (
    <div className="table-scroll">
      <table className="config-diff">
        <caption className="visually-hidden">Settings that differ</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">{before.version}</th>
            <th scope="col">{after.version}</th>
          </tr>
        </thead>
        <tbody>
          {differences.map((difference) => (
            <tr key={difference.setting}>
              <th scope="row">{difference.setting}</th>
              <td className="diff-before">
                <span className="visually-hidden">was </span>
                {difference.before}
              </td>
              <td className="diff-after">
                <span className="visually-hidden">now </span>
                {difference.after}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
