import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonSourceChecker } from '@/modules/runtimes/python-source-checker.js';
import { pythonDocument, registerRest } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const HANDLER = 'def handler(event, context):\n    return 1\n';

/** Valid Python whose syntax tree is large: a list of `count` small tuples (about 8 bytes each). */
function bulkySource(count: number): string {
  return `DATA = [\n${'(1, 2),\n'.repeat(count)}]\n\n${HANDLER}`;
}

/** How many syntax checks ran at once, at most, as the checker counted its processes. */
function peakChecks(server: TestServer): number {
  return (server.app.get(PythonSourceChecker) as unknown as { peakConcurrentChecks: number }).peakConcurrentChecks;
}

describe('the Python syntax check at registration runs sandboxed, with limits', { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      FNGRAPH_PYTHON_CHECK_MAX_BYTES: String(1024 * 1024),
      FNGRAPH_PYTHON_CHECK_MEMORY_MB: '64',
      FNGRAPH_PYTHON_CHECK_CONCURRENCY: '2',
    });
  });
  afterAll(() => server?.close());

  it('refuses source over the size cap with a coded 400, before parsing it', async () => {
    const source = bulkySource(150_000);
    expect(Buffer.byteLength(source)).toBeGreaterThan(1024 * 1024);
    const { status, body } = await registerRest(server.url, pythonDocument('py-too-big', source));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toMatch(/at most 1048576 bytes.*FNGRAPH_PYTHON_CHECK_MAX_BYTES/);
  });

  it('refuses source whose check reaches the memory cap, and the server stays healthy', async () => {
    // ~560 KB: parsing it needs well over 64 MB (about 240 bytes per source byte).
    const { status, body } = await registerRest(server.url, pythonDocument('py-bulky', bulkySource(70_000)));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toMatch(/too large or too complex to check within 64 MB \(FNGRAPH_PYTHON_CHECK_MEMORY_MB\)/);

    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const small = await registerRest(server.url, pythonDocument('py-small-after', HANDLER));
    expect(small.status).toBe(201);
  });

  it('refuses a deeply nested expression with a coded 400', async () => {
    const { status, body } = await registerRest(server.url, pythonDocument('py-nested', `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n${HANDLER}`));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
  });

  it('never runs more checks at once than FNGRAPH_PYTHON_CHECK_CONCURRENCY', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => registerRest(server.url, pythonDocument(`py-concurrent-${i}`, bulkySource(5_000 + i)))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(peakChecks(server)).toBeGreaterThanOrEqual(1);
    expect(peakChecks(server)).toBeLessThanOrEqual(2);
  });
});
