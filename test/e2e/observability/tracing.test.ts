import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle } from '@/adapters/observability/tracing/tracing-sdk.js';
import type { TestServer } from '../../support/test-server.js';

// The SDK must patch http, express and graphql before the server loads them: it starts
// first, and the server modules are imported dynamically afterwards. (This test file runs
// in its own process.) Vitest loads the modules itself, so the ES loader hook stays off
// here; the built server with it on is covered by tracing-otlp.test.ts.
const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
let server: TestServer;
let helpers: {
  graphql: typeof import('../../support/graphql-client.js').graphql;
  graphqlData: typeof import('../../support/graphql-client.js').graphqlData;
  register: typeof import('../../support/functions.js').register;
};

const RETURNS_CONTEXT = 'export default async (event, context) => { console.log("hello"); return context; }';

/** The spans of one trace, once the HTTP server span and the invocation have ended. */
async function traceOf(traceId: string): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    if (server && spans.some((s) => s.name === 'fngraph.record' && s.attributes['fngraph.step'] === 'finish')) return spans;
    if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete: ${spans.map((s) => s.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one ${name} span, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

function parentOf(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  return spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
}

/** Names from `span` up to the root. */
function ancestry(spans: ReadableSpan[], span: ReadableSpan): string[] {
  const names: string[] = [];
  for (let current: ReadableSpan | undefined = span; current; current = parentOf(spans, current)) names.push(current.name);
  return names;
}

describe('one trace per invocation', () => {
  beforeAll(async () => {
    tracing = startTracing({
      serviceName: 'fngraph-test',
      instanceId: 'test-node',
      sampleRatio: 1,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      esmHooks: false,
    });
    const { startTestServer } = await import('../../support/test-server.js');
    const client = await import('../../support/graphql-client.js');
    helpers = {
      graphql: client.graphql,
      graphqlData: client.graphqlData,
      register: (await import('../../support/functions.js')).register,
    };
    server = await startTestServer();
    await helpers.register(server.url, 'traced', RETURNS_CONTEXT);
  });

  afterAll(async () => {
    await server?.close();
    await tracing?.shutdown();
  });

  it('connects the GraphQL invokeFunction operation to the execution, and stores the trace id', async () => {
    exporter.reset();
    const before = Date.now();
    const { invokeFunction } = await helpers.graphqlData(
      server.url,
      'mutation InvokeTraced { invokeFunction(input: { name: "traced" }) { id traceId response } }',
    );
    const traceId = invokeFunction.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The SDK made it with fngraph's generator: it starts with the time (records are indexed by it).
    const madeAt = Number.parseInt(traceId.slice(0, 12), 16);
    expect(madeAt).toBeGreaterThanOrEqual(before);
    expect(madeAt).toBeLessThanOrEqual(Date.now());

    const spans = await traceOf(traceId);
    // One root, and every other span's parent is in the same trace: one connected tree.
    const roots = spans.filter((s) => s.parentSpanContext === undefined);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.kind).toBe(SpanKind.SERVER);
    for (const span of spans) if (span !== roots[0]) expect(parentOf(spans, span), `${span.name} has its parent in the trace`).toBeDefined();

    // request → GraphQL operation → invokeFunction → invoke → resolution, record, sandbox acquire and run, record.
    const operation = byName(spans, 'mutation InvokeTraced');
    expect(ancestry(spans, operation).at(-1)).toBe(roots[0]!.name);
    const invoke = byName(spans, 'fngraph.invoke');
    expect(ancestry(spans, invoke)).toEqual([
      'fngraph.invoke',
      'graphql.resolve invokeFunction',
      'mutation InvokeTraced',
      ...ancestry(spans, operation).slice(1),
    ]);
    expect(invoke.attributes).toMatchObject({ 'fngraph.invocation.id': invokeFunction.id, 'fngraph.function.name': 'traced', 'fngraph.trigger': 'GRAPHQL' });
    expect(parentOf(spans, byName(spans, 'fngraph.resolve'))).toBe(invoke);
    const execute = byName(spans, 'fngraph.execute');
    expect(parentOf(spans, execute)).toBe(invoke);
    expect(ancestry(spans, byName(spans, 'fngraph.sandbox.acquire'))).toEqual(['fngraph.sandbox.acquire', ...ancestry(spans, execute)]);
    const run = byName(spans, 'fngraph.sandbox.run');
    expect(parentOf(spans, run)).toBe(execute);
    expect(run.attributes['fngraph.sandbox.cold']).toBe(true);
    const records = spans.filter((s) => s.name === 'fngraph.record').map((s) => [s.attributes['fngraph.step'], parentOf(spans, s)?.name]);
    expect(records).toEqual(
      expect.arrayContaining([
        ['insert', 'fngraph.invoke'],
        ['finish', 'fngraph.invoke'],
      ]),
    );
    // In order: resolve, insert, acquire, run, finish.
    const start = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];
    const insert = spans.find((s) => s.attributes['fngraph.step'] === 'insert')!;
    const finish = spans.find((s) => s.attributes['fngraph.step'] === 'finish')!;
    const order = [byName(spans, 'fngraph.resolve'), insert, byName(spans, 'fngraph.sandbox.acquire'), run, finish].map(start);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    // The function got the same trace id and a traceparent naming the execution span.
    expect(invokeFunction.response.traceId).toBe(traceId);
    expect(invokeFunction.response.traceparent).toBe(`00-${traceId}-${execute.spanContext().spanId}-01`);
    // And the stored invocation keeps it.
    const { invocation } = await helpers.graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { traceId } }', { id: invokeFunction.id });
    expect(invocation.traceId).toBe(traceId);
  });

  it('continues a caller’s trace (W3C traceparent) on the HTTP endpoints, and marks a failed function', async () => {
    await helpers.register(server.url, 'traced-fail', 'export default async () => { throw new Error("nope") }');
    exporter.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${server.url}/fn/traced-fail`, { headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` } });
    expect(response.status).toBe(502);
    const spans = await traceOf(callerTrace);
    const root = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(byName(spans, 'fngraph.execute').status.code).toBe(2); // ERROR: the function failed
    expect(byName(spans, 'fngraph.invoke').attributes['fngraph.trigger']).toBe('HTTP');
    const id = response.headers.get('x-fngraph-invocation-id');
    const { invocation } = await helpers.graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { traceId status } }', { id });
    expect(invocation).toEqual({ traceId: callerTrace, status: 'FAILED' });
    // From the trace (say, found in Jaeger) back to the invocation.
    const { invocations } = await helpers.graphqlData(server.url, 'query($trace: String) { invocations(traceId: $trace) { nodes { id } } }', {
      trace: callerTrace,
    });
    expect(invocations.nodes).toEqual([{ id }]);
    const malformed = await helpers.graphql(server.url, '{ invocations(traceId: "not-a-trace") { nodes { id } } }');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps an async invocation in the trace of the request that queued it', async () => {
    exporter.reset();
    const { invokeFunction } = await helpers.graphqlData(
      server.url,
      'mutation { invokeFunction(input: { name: "traced", async: true }) { id traceId status } }',
    );
    expect(invokeFunction.status).toBe('QUEUED');
    const spans = await traceOf(invokeFunction.traceId);
    expect(byName(spans, 'fngraph.invoke').attributes['fngraph.trigger']).toBe('ASYNC');
    // Queued, then run by a worker (any node): its run continues the trace of the request.
    const run = byName(spans, 'fngraph.run');
    expect(parentOf(spans, run)).toBe(byName(spans, 'fngraph.invoke'));
    expect(run.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(spans, byName(spans, 'fngraph.execute'))).toBe(run);
  });
});
