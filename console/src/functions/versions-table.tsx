import { useState } from 'react';
import type { FnVersionSummaryFragment } from '@/api/graphql.generated';
import { href, navigate } from '@/router';
import { describeCodeFormat, formatBytes, formatTime } from '@/ui/format';
import { StatusBadge } from '@/ui/status-badge';
import { isArchive } from './code-format';

/**
 * Every version, newest first; ticking two and "Compare" opens their diff (older → newer).
 * With one ticked, it is compared with the latest.
 */
export function VersionsTable({ functionId, versions }: { functionId: string; versions: FnVersionSummaryFragment[] }) {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (version: string) =>
    // Ticking a third drops the oldest tick: the pair is always the last two chosen.
    setSelected((current) => (current.includes(version) ? current.filter((v) => v !== version) : [...current, version].slice(-2)));
  const compare = () => {
    const pair = selected.length === 1 ? [selected[0]!, versions[0]!.version] : selected;
    const [from, to] = [...pair].sort((a, b) => sequenceOf(versions, a) - sequenceOf(versions, b));
    navigate(href('functions', functionId, 'diff', { from, to }));
  };
  const canCompare = versions.length > 1 && (selected.length === 2 || (selected.length === 1 && selected[0] !== versions[0]!.version));
  return (
    <section aria-labelledby="versions-heading">
      <div className="section-header">
        <h2 id="versions-heading">Versions ({versions.length})</h2>
        {versions.length > 1 ? (
          <div className="section-actions">
            <span className="muted small" role="status">
              {selected.length === 0
                ? 'Tick two versions to compare them'
                : selected.length === 1
                  ? `Compare ${selected[0]} with the latest, or tick another`
                  : `Compare ${selected.join(' and ')}`}
            </span>
            <button type="button" disabled={!canCompare} onClick={compare}>
              Compare
            </button>
          </div>
        ) : null}
      </div>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              {versions.length > 1 ? (
                <th scope="col">
                  <span className="visually-hidden">Compare</span>
                </th>
              ) : null}
              <th scope="col">Version</th>
              <th scope="col">Created</th>
              <th scope="col">Author</th>
              <th scope="col">Build</th>
              <th scope="col">Code</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.id}>
                {versions.length > 1 ? (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare version ${version.version}`}
                      checked={selected.includes(version.version)}
                      onChange={() => toggle(version.version)}
                    />
                  </td>
                ) : null}
                <td className="mono">
                  {version.version}
                  {version === versions[0] ? <span className="badge badge-neutral version-latest">latest</span> : null}
                </td>
                <td>{formatTime(version.createdAt)}</td>
                <td>{version.author ?? <span className="muted">—</span>}</td>
                <td>
                  <StatusBadge status={version.buildStatus} />
                </td>
                <td>
                  <span className="mono" title={`sha256 ${version.codeHash}`}>
                    {version.codeHash.slice(0, 12)}
                  </span>{' '}
                  <span className="muted">
                    {formatBytes(version.codeSizeBytes)}
                    {isArchive(version.codeFormat) ? ` · ${describeCodeFormat(version.codeFormat)}` : ''}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function sequenceOf(versions: FnVersionSummaryFragment[], version: string): number {
  return versions.find((v) => v.version === version)?.sequence ?? 0;
}
