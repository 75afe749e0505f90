import { register } from 'node:module';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, type SpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { enableSpans, traceIdGenerator } from '@/kernel/telemetry/spans.js';

export interface TracingOptions {
  serviceName: string;
  /** `AppConfig.nodeId`: spans name the node as the logs do. */
  instanceId: string;
  /** Fraction of new traces recorded; a caller's `traceparent` decision is kept. */
  sampleRatio: number;
  /** OTLP/HTTP base URL; spans are exported to `<endpoint>/v1/traces` as JSON. */
  otlpEndpoint?: string;
  /** Extra processors (tests use an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /**
   * Hook ES module imports (import-in-the-middle) so that ESM-loaded libraries are
   * patched too. Off only inside test runners that bring their own module loader.
   */
  esmHooks?: boolean;
}

export interface TracingHandle {
  /** Flushes and exports the spans still buffered. */
  shutdown(): Promise<void>;
}

/** Requests that would only add noise to every trace backend. */
const UNTRACED_PATHS = /^\/(health\/|metrics(\?|$))/;

/**
 * Starts OpenTelemetry: HTTP, Express, GraphQL, MongoDB/Mongoose and ioredis
 * instrumentations, W3C trace context, OTLP export of spans (metrics stay with
 * Prometheus, logs with stdout). Must run before any instrumented library is imported:
 * `main.ts` calls it first and imports the server afterwards.
 *
 * The libraries reach the server two ways. CommonJS `require`s (graphql's and mongodb's
 * internal files) are patched by require-in-the-middle. Packages imported from ES modules
 * (Nest imports express, our code imports ioredis and mongoose) go through the ES loader,
 * so import-in-the-middle's loader hook is registered (`module.register`, Node ≥ 20.6).
 * Its selective mode (`createAddHookMessageChannel`) does not work with the
 * instrumentations' `internals: true` hooks: express, ioredis and mongoose then stay
 * unpatched, so the hook wraps every module (a little slower start-up, nothing per request).
 */
export function startTracing(options: TracingOptions): TracingHandle {
  const spanProcessors = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, 'service.instance.id': options.instanceId }),
    idGenerator: traceIdGenerator,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors,
    // Spans only: metrics are Prometheus' (/metrics), logs go to stdout as JSON.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // allowValues stays false: argument values (function code, environment variables) never reach a span.
      new GraphQLInstrumentation({ allowValues: false, ignoreTrivialResolveSpans: true, mergeItems: true }),
      new MongooseInstrumentation(),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
    ],
  });
  if (options.esmHooks !== false) register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  sdk.start();
  enableSpans();
  return { shutdown: () => sdk.shutdown() };
}
