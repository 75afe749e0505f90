import { useState } from 'react';
import { MetricsPageFunctionDocument } from '@/api/graphql.generated';
import { isAccessError, isNotFound } from '@/api/errors';
import { useQuery } from '@/api/hooks';
import { href } from '@/router';
import { ErrorBanner } from '@/ui/error-banner';
import { Page } from '@/ui/page';
import { ResourcePending } from '@/ui/resource-pending';
import { MetricsCharts, MetricsSummary } from './metrics-charts';
import { METRICS_RANGES, type MetricsRange, useMetricsHistory } from './metrics-history';
import './metrics.css';

/** Live metrics of one function (`#/functions/<id>/metrics`), fed by the `functionMetrics` subscription. */
export function FunctionMetricsPage({ functionId }: { functionId: string }) {
  const { data, error } = useQuery(MetricsPageFunctionDocument, { id: functionId });
  const [range, setRange] = useState<MetricsRange>(METRICS_RANGES[1]!);
  const fn = data?.function;
  if (!fn) return <ResourcePending title="Metrics" resource="function" error={error} />;
  return (
    <Page title={`Metrics · ${fn.name}`} actions={<RangePicker value={range} onChange={setRange} />}>
      <p className="muted small">
        <a href={href('functions', functionId)}>Back to {fn.name}</a>
        {fn.deletedAt ? ' · This function is deleted: it no longer answers, so nothing new will show.' : null}
      </p>
      {fn.viewerAccess.readInvocations ? (
        // A new range is a new subscription (another interval): its history starts afresh.
        <LiveMetrics key={range.seconds} functionId={functionId} range={range} />
      ) : (
        <NotReadable functionId={functionId} />
      )}
    </Page>
  );
}

function LiveMetrics({ functionId, range }: { functionId: string; range: MetricsRange }) {
  const { points, subscription } = useMetricsHistory(functionId, range);
  const ended = !subscription.active && subscription.error;
  if (ended && isAccessError(subscription.error)) return <NotReadable error={subscription.error} functionId={functionId} />;
  return (
    <>
      <ConnectionStatus active={subscription.active} error={subscription.error} range={range} received={points.length > 0} />
      <MetricsSummary points={points} range={range} />
      <MetricsCharts points={points} range={range} />
    </>
  );
}

/** Live, reconnecting (the charts then show a gap) or stopped, in words. */
function ConnectionStatus({ active, error, range, received }: { active: boolean; error: Error | null; range: MetricsRange; received: boolean }) {
  if (!active && error) return <ErrorBanner error={error} title="Live metrics stopped" />;
  if (!active && received) {
    return (
      <p className="metrics-status metrics-status-down" role="status">
        The server ended the live metrics: the charts show the last snapshots. Reload the page to watch again.
      </p>
    );
  }
  const text = error
    ? 'Reconnecting… (the charts show a gap for the time the connection was down)'
    : received
      ? `Live: a snapshot every ${range.intervalSeconds} s, each counting its own ${range.intervalSeconds} s, across all server nodes. The charts fill up from when this page opened.`
      : 'Connecting…';
  return (
    <p className={`metrics-status${error ? ' metrics-status-down' : ''}`} role="status">
      <span className="live-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

/** Native radio buttons (arrow keys move between them), drawn as a segmented control. */
function RangePicker({ value, onChange }: { value: MetricsRange; onChange(range: MetricsRange): void }) {
  return (
    <fieldset className="range-picker">
      <legend>Time range</legend>
      {METRICS_RANGES.map((range) => (
        <label key={range.seconds}>
          <input type="radio" name="metrics-range" checked={range === value} onChange={() => onChange(range)} />
          <span>{range.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The function is missing, hidden from the caller, or its metrics are (they count every caller's invocations). */
function NotReadable({ error, functionId }: { error?: unknown; functionId: string }) {
  if (error && !isAccessError(error)) return <ErrorBanner error={error} title="Could not load the function" />;
  return (
    <div className="notice" role="alert">
      {isNotFound(error) ? <p>This function does not exist, or you may not read its metrics.</p> : <p>You may not read this function&apos;s metrics.</p>}
      <p className="small">
        Metrics count every caller&apos;s invocations: they are for the function&apos;s owner, administrators and developers it is shared with.{' '}
        <a href={href('functions', functionId)}>Back to the function</a>
      </p>
    </div>
  );
}
