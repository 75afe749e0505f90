import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Port: where rate-limit counters live. Shared by every node (Redis) or kept in this
 * process; either way a limiter counts `points` per key per `durationSeconds`.
 */
export abstract class RateLimiterStore {
  abstract create(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
}
