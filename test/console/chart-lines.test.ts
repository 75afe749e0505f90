import { describe, expect, it } from 'vitest';
import { type ChartSeries, latestValue, lineRuns } from '../../console/src/metrics/chart-lines.js';

interface Point {
  time: number;
  v: number | null;
}

const points = (...values: Array<number | null | 'gap'>): Point[] => {
  let time = 0;
  return values.flatMap((v) => {
    time += v === 'gap' ? 10_000 : 1000;
    return v === 'gap' ? [] : [{ time, v }];
  });
};
const plain: ChartSeries<Point> = { label: 'v', color: 'red', value: (point) => point.v };
const bridged: ChartSeries<Point> = { ...plain, bridgeMissing: true };
const values = (runs: { value: number }[][]) => runs.map((run) => run.map((point) => point.value));

describe('console chart lines', () => {
  it('breaks a line where a value is missing, unless it bridges missing values', () => {
    const data = points(1, 2, null, 3, null, null, 4);
    expect(values(lineRuns(data, plain, 2500))).toEqual([[1, 2], [3], [4]]);
    expect(values(lineRuns(data, bridged, 2500))).toEqual([[1, 2, 3, 4]]);
  });

  it('breaks every line where snapshots stopped for a while (a reconnection)', () => {
    const data = points(1, 2, 'gap', 3, null, 4);
    expect(values(lineRuns(data, plain, 2500))).toEqual([[1, 2], [3], [4]]);
    expect(values(lineRuns(data, bridged, 2500))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('shows the latest value, or for a bridged line the last one it had', () => {
    const data = points(1, 5, null);
    expect(latestValue(data, plain)).toBeNull();
    expect(latestValue(data, bridged)).toBe(5);
    expect(latestValue([], bridged)).toBeNull();
  });
});
