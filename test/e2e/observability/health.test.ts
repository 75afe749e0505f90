import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRE_SERVICES } from '../../support/services.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { ferretDbBinary, redisServerBinary, throwawayFerretDb, throwawayRedis, type ThrowawayService } from '../../support/throwaway-services.js';

const REDIS_BIN = redisServerBinary();
const FERRETDB_BIN = ferretDbBinary();
const missing = !REDIS_BIN || !FERRETDB_BIN;
if (missing) {
  const what = `redis-server (${REDIS_BIN ?? 'missing'}) and FerretDB (${FERRETDB_BIN ?? 'missing'})`;
  if (REQUIRE_SERVICES) throw new Error(`The readiness test needs ${what}`);
  console.warn(`Skipping the readiness test: it needs ${what}; run ./scripts/test`);
}

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string; detail?: string }>;
}

/**
 * Readiness follows the dependencies: stopping this test's own Redis or FerretDB (never the
 * shared ones) makes the node unready with the reason, and it recovers by itself when they
 * come back. Liveness does not change meanwhile.
 */
describe.skipIf(missing)('/health/ready follows Redis and the MongoDB-protocol server', () => {
  let redis: ThrowawayService;
  let ferret: ThrowawayService;
  let server: TestServer;

  beforeAll(async () => {
    [redis, ferret] = await Promise.all([throwawayRedis(REDIS_BIN as string), throwawayFerretDb(FERRETDB_BIN as string)]);
    server = await startTestServer({ MONGODB_URI: `${ferret.url}fngraph_health`, REDIS_URL: redis.url });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([redis?.dispose(), ferret?.dispose()]);
  }, 60_000);

  const readiness = async (): Promise<{ status: number; body: Readiness }> => {
    const response = await fetch(`${server.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  /** Polls readiness until `predicate` holds (dependencies take a moment to be noticed). */
  const until = async (predicate: (r: { status: number; body: Readiness }) => boolean): Promise<{ status: number; body: Readiness }> => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const result = await readiness();
      if (predicate(result)) return result;
      if (Date.now() > deadline) throw new Error(`readiness never became as expected; last: ${JSON.stringify(result)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const live = async () => (await fetch(`${server.url}/health/live`)).status;

  it('is ready when everything answers', async () => {
    const { status, body } = await readiness();
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks).toMatchObject({ storage: { ok: true }, events: { ok: true }, executor: { ok: true, detail: 'process' } });
  });

  it('turns unready when Redis stops, naming it, and ready again when it returns', async () => {
    await redis.stop();
    const down = await until((r) => r.status === 503);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.events!.ok).toBe(false);
    expect(down.body.checks.events!.reason).toBeTruthy();
    expect(down.body.checks.storage!.ok).toBe(true);
    expect(await live()).toBe(200);

    await redis.start();
    const up = await until((r) => r.status === 200);
    expect(up.body.checks.events!.ok).toBe(true);
  }, 120_000);

  it('turns unready when the MongoDB-protocol server stops, naming it, and ready again when it returns', async () => {
    await ferret.stop();
    const down = await until((r) => r.status === 503);
    expect(down.body.checks.storage!.ok).toBe(false);
    expect(down.body.checks.storage!.reason).toBeTruthy();
    expect(down.body.checks.events!.ok).toBe(true);
    expect(await live()).toBe(200);

    await ferret.start();
    const up = await until((r) => r.status === 200);
    expect(up.body.checks.storage!.ok).toBe(true);
  }, 120_000);
});
