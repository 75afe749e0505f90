import { useCallback, useState } from 'react';
import { useSubscription, type SubscriptionState } from '@/api/hooks';
import { MetricsPageSnapshotsDocument, type MetricsPageSnapshotsSubscription } from '@/api/graphql.generated';

export type Snapshot = MetricsPageSnapshotsSubscription['functionMetrics'];

/** A snapshot placed on the time axis. */
export interface MetricsPoint extends Snapshot {
  /** `at` in epoch milliseconds. */
  time: number;
}

/** How much history the charts show, and how finely. */
export interface MetricsRange {
  label: string;
  seconds: number;
  /**
   * Seconds between two snapshots, and also the window each one covers: every point
   * counts its own interval (like a CloudWatch period), so points add up to totals.
   */
  intervalSeconds: number;
  /** Time-axis labels, in seconds before now. */
  ticks: number[];
}

export const METRICS_RANGES: MetricsRange[] = [
  { label: '1 min', seconds: 60, intervalSeconds: 1, ticks: [60, 45, 30, 15, 0] },
  { label: '5 min', seconds: 300, intervalSeconds: 2, ticks: [300, 240, 180, 120, 60, 0] },
  { label: '15 min', seconds: 900, intervalSeconds: 5, ticks: [900, 600, 300, 0] },
];

export interface MetricsHistory {
  /** Oldest first, only those inside the range. */
  points: MetricsPoint[];
  subscription: SubscriptionState;
}

/**
 * The `functionMetrics` snapshots of the last `range`, as they arrive. The server keeps no
 * history (each subscription counts from when it opened), so the charts fill up from the
 * moment the page opened; a reconnection leaves a gap in time that the charts show as one.
 */
export function useMetricsHistory(functionId: string, range: MetricsRange, options: { skip?: boolean } = {}): MetricsHistory {
  const [points, setPoints] = useState<MetricsPoint[]>([]);
  const onData = useCallback(
    ({ functionMetrics }: MetricsPageSnapshotsSubscription) => {
      const time = Date.parse(functionMetrics.at);
      setPoints((previous) => [...previous.filter((point) => point.time > time - range.seconds * 1000 && point.time < time), { ...functionMetrics, time }]);
    },
    [range.seconds],
  );
  const subscription = useSubscription(
    MetricsPageSnapshotsDocument,
    { functionId, intervalSeconds: range.intervalSeconds, windowSeconds: range.intervalSeconds },
    onData,
    options,
  );
  return { points, subscription };
}

/** The sum of a count over the points (each covers its own interval). */
export function total(points: MetricsPoint[], count: (point: MetricsPoint) => number): number {
  return points.reduce((sum, point) => sum + count(point), 0);
}
