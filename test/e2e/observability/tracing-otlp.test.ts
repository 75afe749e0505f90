import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKeyToken, rememberAdminKey } from '../../support/credentials.js';
import { register } from '../../support/functions.js';
import { graphqlData } from '../../support/graphql-client.js';
import { OtlpReceiver } from '../../support/otlp-receiver.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { MONGODB_URI, REDIS_URL, skipWithout } from '../../support/services.js';

const BUILT = existsSync(new URL('../../../dist/main.js', import.meta.url));
// Without MongoDB and Redis the trace is still checked, on the embedded store.
const WITH_SERVICES = !skipWithout('MongoDB and Redis (mongoose and ioredis spans)', MONGODB_URI && REDIS_URL);

/**
 * The built server as deployed (`node dist/main.js`, ES modules, tracing started before
 * the server is imported) exporting over OTLP/HTTP to a stand-in collector: the ES loader
 * hook must have patched what ES modules import (express; ioredis and mongoose too when
 * MongoDB and Redis are configured).
 */
describe('tracing in the built server, exported over OTLP', () => {
  const database = `fngraph_otlp_${randomBytes(4).toString('hex')}`;
  let receiver: OtlpReceiver;
  let node: ServerProcess;
  let invocation: { id: string; traceId: string };

  beforeAll(async () => {
    if (!BUILT) throw new Error('dist/main.js is missing: run `npm run build` first (./scripts/test does)');
    receiver = await OtlpReceiver.start();
    const adminKey = newApiKeyToken();
    node = await startServerProcess({
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
      FNGRAPH_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'fngraph-otlp-test',
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      ...(WITH_SERVICES ? { MONGODB_URI: `${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`, REDIS_URL: REDIS_URL as string } : {}),
    });
    rememberAdminKey(node.url, adminKey);
    await register(node.url, 'otlp-traced', 'export default async (event, context) => context');
    invocation = (await graphqlData(node.url, 'mutation OtlpInvoke { invokeFunction(input: { name: "otlp-traced" }) { id traceId } }')).invokeFunction;
    // Stopping flushes the batch of spans still buffered.
    await node.stop();
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    await receiver?.stop();
    if (WITH_SERVICES) {
      const connection = await mongoose.createConnection(`${(MONGODB_URI as string).replace(/\/?$/, '/')}${database}`).asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
  });

  it('exports the invocation trace with the HTTP, Express, GraphQL and fngraph spans', () => {
    const trace = receiver.spans.filter((s) => s.traceId === invocation.traceId);
    expect(trace.length).toBeGreaterThan(5);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['fngraph-otlp-test']));
    const scopes = new Set(trace.map((s) => s.scope));
    for (const scope of ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-graphql', 'fngraph']) expect(scopes, scope).toContain(scope);
    expect(trace.find((s) => s.name === 'fngraph.invoke')?.attributes['fngraph.invocation.id']).toBe(invocation.id);
    // Connected: a single root, every other parent inside the trace.
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))).toHaveLength(1);
    // Express is imported by Nest (an ES module): patched through the loader hook.
    expect(receiver.spans.some((s) => s.scope === '@opentelemetry/instrumentation-express')).toBe(true);
  });

  it.runIf(WITH_SERVICES)('includes the MongoDB (mongoose, driver) and Redis (ioredis) calls of the invocation', () => {
    const scopes = new Set(receiver.spans.filter((s) => s.traceId === invocation.traceId).map((s) => s.scope));
    for (const scope of ['@opentelemetry/instrumentation-mongoose', '@opentelemetry/instrumentation-mongodb', '@opentelemetry/instrumentation-ioredis']) {
      expect(scopes, scope).toContain(scope);
    }
  });

  it('records no argument values: function code and variables never reach a span', () => {
    const everything = JSON.stringify(receiver.spans);
    expect(everything).not.toContain('export default async');
    expect(everything).not.toContain(Buffer.from('export default async (event, context) => context').toString('base64'));
  });
});
