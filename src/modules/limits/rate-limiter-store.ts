import type { RateLimiterRes } from 'rate-limiter-flexible';

/**
 * One limiter: resolves when `key` may go on, rejects with a `RateLimiterRes` when it used
 * its points, and with any other error when the store can decide nothing (unreachable).
 */
export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
}

/**
 * Port: where rate-limit counters live. Shared by every node (Redis) or kept in this
 * process; either way a limiter counts `points` per key per `durationSeconds`.
 */
export abstract class RateLimiterStore {
  abstract create(name: string, points: number, durationSeconds: number): RateLimiter;
}
