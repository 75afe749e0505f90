/**
 * External services the suite uses. `./scripts/test` starts them and sets
 * FNGRAPH_REQUIRE_SERVICES=1: then a missing service fails its tests instead of
 * skipping them.
 */
export const REQUIRE_SERVICES = process.env.FNGRAPH_REQUIRE_SERVICES === '1';

export const REDIS_URL = process.env.REDIS_URL;
export const MONGODB_URI = process.env.MONGODB_URI;

/** True when tests needing `url` must be skipped (only outside `./scripts/test`). */
export function skipWithout(service: string, url: string | undefined): boolean {
  if (url) return false;
  if (REQUIRE_SERVICES) throw new Error(`${service} is required (FNGRAPH_REQUIRE_SERVICES=1) but its URL is not set`);
  console.warn(`Skipping ${service} tests: run ./scripts/test to start the services`);
  return true;
}
