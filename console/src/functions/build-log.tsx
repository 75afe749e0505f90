import { useState } from 'react';
import { type BuildStatus, VersionBuildLogsDocument } from '@/api/graphql.generated';
import { useSubscription } from '@/api/hooks';
import { ErrorBanner } from '@/ui/error-banner';
import { LogView } from '@/ui/log-view';
import { StatusBadge } from '@/ui/status-badge';

/**
 * The latest version's build: its status and log. While it builds, the lines come live
 * from `versionBuildLogs`; its last event (message null) is the outcome, and then
 * `onFinished` reloads the function so the stored log and status show.
 */
export function BuildLog({
  functionId,
  version,
  status,
  log,
  onFinished,
}: {
  functionId: string;
  version: string;
  status: BuildStatus;
  log: string;
  onFinished: () => void;
}) {
  const building = status === 'BUILDING';
  const [liveLines, setLiveLines] = useState<string[]>([]);
  const subscription = useSubscription(
    VersionBuildLogsDocument,
    { functionId, version },
    ({ versionBuildLogs: line }) => {
      if (line.message === null) onFinished();
      else setLiveLines((lines) => [...lines, line.message!]);
    },
    { skip: !building },
  );
  const text = building ? liveLines : log.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1);
  const lines = text.map((message, index) => ({ seq: index + 1, message }));
  return (
    <section aria-labelledby="build-heading" className="card">
      <h2 id="build-heading">
        Build of version <span className="mono">{version}</span> <StatusBadge status={status} />
      </h2>
      {building ? (
        <p className="muted" role="status">
          Building: dependencies are installed and the code is loaded once. Lines appear as they are written.
        </p>
      ) : status === 'FAILED' ? (
        <p className="field-error">This version does not run: fix the cause below and save a new version.</p>
      ) : null}
      <ErrorBanner error={subscription.error} title="Live build log interrupted" />
      {lines.length > 0 || building ? (
        <LogView lines={lines} label="Build log" live={building} />
      ) : (
        <p className="muted">Empty build log: no dependencies to install, and the code loaded.</p>
      )}
    </section>
  );
}
