import { formatMs } from '@/ui/format';
import { type ChartSeries, LineChart } from './line-chart';
import { type MetricsPoint, type MetricsRange, total } from './metrics-history';

/** A line in theme colour `--chart-<index>`. */
function series(label: string, index: 1 | 2 | 3, value: (point: MetricsPoint) => number, dash?: string): ChartSeries<MetricsPoint> {
  return { label, color: `var(--chart-${index})`, dash, value };
}

/** A figure only invocations define (a duration, an error rate): the line bridges the intervals without any. */
function measured(label: string, index: 1 | 2 | 3, value: (point: MetricsPoint) => number | null, dash?: string): ChartSeries<MetricsPoint> {
  return { label, color: `var(--chart-${index})`, dash, value, bridgeMissing: true };
}

const perSecond = (value: number) => `${+value.toFixed(value < 10 ? 2 : 1)}/s`;
const percent = (value: number) => `${+(value * 100).toFixed(1)} %`;
const count = (value: number) => String(+value.toFixed(1));

function errors(point: MetricsPoint): number {
  return Math.round(point.invocations * point.errorRate);
}

/** The figures of the whole range as text: what the charts add up to, and the instances now. */
export function MetricsSummary({ points, range }: { points: MetricsPoint[]; range: MetricsRange }) {
  const latest = points.at(-1);
  return (
    <dl className="metrics-summary" aria-label={`Totals over the last ${range.label}`}>
      <div>
        <dt>Invocations</dt>
        <dd data-testid="invocation-total">{total(points, (point) => point.invocations)}</dd>
      </div>
      <div>
        <dt>Errors</dt>
        <dd>{total(points, errors)}</dd>
      </div>
      <div>
        <dt>Cold starts</dt>
        <dd>{total(points, (point) => point.coldStarts)}</dd>
      </div>
      <div>
        <dt>Instances now</dt>
        <dd>{latest ? `${latest.busyInstances} busy of ${latest.warmInstances} warm` : '—'}</dd>
      </div>
    </dl>
  );
}

/** One chart per figure of the `functionMetrics` snapshots, over the chosen range. */
export function MetricsCharts({ points, range }: { points: MetricsPoint[]; range: MetricsRange }) {
  const to = points.at(-1)?.time ?? Date.now();
  const axis = {
    points,
    from: to - range.seconds * 1000,
    to,
    timeTicks: range.ticks,
    // A missed snapshot or two is jitter; more is the subscription having been away.
    maxGapMs: range.intervalSeconds * 2500,
  };
  return (
    <div className="metrics-grid">
      <LineChart
        title="Invocations per second"
        series={[series('Invocations/s', 1, (point) => point.invocationsPerSecond)]}
        formatValue={perSecond}
        {...axis}
      />
      <LineChart
        title="Error rate"
        series={[measured('Errors', 2, (point) => (point.invocations > 0 ? point.errorRate : null))]}
        formatValue={percent}
        minMax={1}
        {...axis}
      />
      <LineChart
        title="Duration"
        series={[measured('p50', 1, (point) => point.p50DurationMs), measured('p99', 2, (point) => point.p99DurationMs, '6 3')]}
        formatValue={formatMs}
        {...axis}
      />
      <LineChart
        title={`Cold starts (per ${range.intervalSeconds} s)`}
        series={[series('Cold starts', 3, (point) => point.coldStarts)]}
        formatValue={count}
        integer
        {...axis}
      />
      <LineChart
        title="Instances"
        series={[series('Warm', 3, (point) => point.warmInstances), series('Busy', 1, (point) => point.busyInstances, '6 3')]}
        formatValue={count}
        integer
        {...axis}
      />
    </div>
  );
}
