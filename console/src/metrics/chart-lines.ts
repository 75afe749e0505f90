/* The data side of line-chart.tsx: which points a line joins, and the value shown beside it. */

/** One line of a chart. Lines differ by colour and by dash pattern (colour is never the only cue). */
export interface ChartSeries<P extends ChartPoint = ChartPoint> {
  label: string;
  /** A CSS colour, normally a theme variable: `var(--chart-1)`. */
  color: string;
  /** SVG stroke-dasharray; undefined: solid. */
  dash?: string;
  /** The series' value at a point; null: nothing to measure there. */
  value(point: P): number | null;
  /**
   * Draw the line on across points without a value (a percentile between invocations is
   * unknown, not zero) and show the last value there was; otherwise the line breaks there.
   * A gap in time (a reconnection) breaks the line either way.
   */
  bridgeMissing?: boolean;
}

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  time: number;
}

export interface PlottedPoint {
  time: number;
  value: number;
}

/** The line's unbroken runs of points: a gap in time, or a missing value (unless bridged), ends a run. */
export function lineRuns<P extends ChartPoint>(points: P[], line: ChartSeries<P>, maxGapMs: number): PlottedPoint[][] {
  const runs: PlottedPoint[][] = [];
  let run: PlottedPoint[] = [];
  const endRun = () => {
    if (run.length > 0) runs.push(run);
    run = [];
  };
  points.forEach((point, index) => {
    const previous = points[index - 1];
    if (previous && point.time - previous.time > maxGapMs) endRun();
    const value = line.value(point);
    if (value !== null) run.push({ time: point.time, value });
    else if (!line.bridgeMissing) endRun();
  });
  endRun();
  return runs;
}

/** The value shown beside the chart: the latest point's, or for a bridged line the last one it had. */
export function latestValue<P extends ChartPoint>(points: P[], line: ChartSeries<P>): number | null {
  for (let index = points.length - 1; index >= 0; index -= 1) {
    const value = line.value(points[index]!);
    if (value !== null || !line.bridgeMissing) return value;
  }
  return null;
}
