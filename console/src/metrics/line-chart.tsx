import { useId } from 'react';
import { type ChartPoint, type ChartSeries, latestValue, lineRuns, type PlottedPoint } from './chart-lines';
import { niceScale } from './scale';

export type { ChartPoint, ChartSeries } from './chart-lines';

export interface LineChartProps<P extends ChartPoint> {
  title: string;
  series: ChartSeries<P>[];
  points: P[];
  /** The time axis, in epoch milliseconds. */
  from: number;
  to: number;
  /** Time-axis ticks, as seconds before `to` (e.g. [300, 240, …, 0]). */
  timeTicks: number[];
  /** A line breaks between two points further apart than this (a reconnection). */
  maxGapMs: number;
  formatValue(value: number): string;
  /** The y axis reaches at least this (e.g. 1 for a share, so 2 % does not fill the chart). */
  minMax?: number;
  /** The values are counts: whole-number ticks. */
  integer?: boolean;
}

// The drawing's own coordinate system; the SVG scales to its box, keeping the proportions.
const WIDTH = 560;
const HEIGHT = 190;
const PLOT = { left: 56, right: 12, top: 10, bottom: 26 };

/**
 * A small SVG time-series chart: several lines over a shared time axis, a y axis with a
 * few labelled ticks, a legend whose entries carry each line's latest value as text (so
 * the figures are readable without the drawing, and by screen readers through the
 * figure's caption). `data-points` counts the points drawn, for tests and tooling.
 */
export function LineChart<P extends ChartPoint>({
  title,
  series,
  points,
  from,
  to,
  timeTicks,
  maxGapMs,
  formatValue,
  minMax = 0,
  integer = false,
}: LineChartProps<P>) {
  const captionId = useId();
  const values = points.flatMap((point) => series.map((line) => line.value(point))).filter((value): value is number => value !== null);
  const scale = niceScale(Math.max(minMax, ...values, 0), { integer });
  const x = (at: number) => PLOT.left + ((at - from) / Math.max(1, to - from)) * (WIDTH - PLOT.left - PLOT.right);
  const y = (value: number) => HEIGHT - PLOT.bottom - (value / scale.max) * (HEIGHT - PLOT.top - PLOT.bottom);

  return (
    <figure className="chart" aria-labelledby={captionId} data-points={points.length}>
      <figcaption id={captionId}>
        <span className="chart-title">{title}</span>
        <ul className="chart-legend">
          {series.map((line) => {
            const value = latestValue(points, line);
            return (
              <li key={line.label}>
                <svg className="legend-swatch" width="22" height="10" aria-hidden="true">
                  <line x1="1" y1="5" x2="21" y2="5" style={{ stroke: line.color }} strokeWidth="2.5" strokeDasharray={line.dash} />
                </svg>
                {line.label}: <strong className="chart-latest">{value === null ? '—' : formatValue(value)}</strong>
              </li>
            );
          })}
        </ul>
      </figcaption>
      <svg className="chart-plot" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="presentation" aria-hidden="true">
        {scale.ticks.map((tick) => (
          <g key={tick}>
            <line className="chart-grid" x1={PLOT.left} x2={WIDTH - PLOT.right} y1={y(tick)} y2={y(tick)} />
            <text className="chart-axis" x={PLOT.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle">
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {timeTicks.map((secondsAgo) => (
          <text key={secondsAgo} className="chart-axis" x={x(to - secondsAgo * 1000)} y={HEIGHT - 8} textAnchor={secondsAgo === 0 ? 'end' : 'middle'}>
            {secondsAgo === 0 ? 'now' : `−${formatSpan(secondsAgo)}`}
          </text>
        ))}
        {series.map((line) => {
          const runs = lineRuns(points, line, maxGapMs);
          return (
            <g key={line.label}>
              <path className="chart-line" d={runs.map((run) => pathThrough(run, x, y)).join('')} style={{ stroke: line.color }} strokeDasharray={line.dash} />
              {/* A run of one point has no segment to show it: a dot does. */}
              {runs
                .filter((run) => run.length === 1)
                .map(([point]) => (
                  <circle key={point!.time} cx={x(point!.time)} cy={y(point!.value)} r="2.5" style={{ fill: line.color }} />
                ))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** `90` → `1.5 min`, `45` → `45 s`. */
function formatSpan(seconds: number): string {
  return seconds >= 60 ? `${+(seconds / 60).toFixed(1)} min` : `${seconds} s`;
}

function pathThrough(run: PlottedPoint[], x: (time: number) => number, y: (value: number) => number): string {
  return run.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.time).toFixed(1)},${y(point.value).toFixed(1)}`).join('');
}
