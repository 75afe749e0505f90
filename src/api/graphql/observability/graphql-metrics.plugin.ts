import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { noteErrorContext, requestContextOf } from '@/kernel/telemetry/request-context.js';
import type { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';

/**
 * GraphQL over HTTP: one count and one duration per operation (by name and type), the
 * outcome, and each error's code. Only operations that parsed and validated get their own
 * name: a client cannot fill the label budget with made-up names (theirs are `invalid`).
 */
export function graphqlMetricsPlugin(metrics: PlatformMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation(requestContext) {
          const context = requestContextOf((requestContext.contextValue as { req?: object }).req);
          if (context) context.operation = requestContext.operationName ?? 'anonymous';
        },
        async didEncounterErrors(requestContext) {
          // Formatted (and, if unexpected, reported) afterwards, where the request is out of reach.
          const context = requestContextOf((requestContext.contextValue as { req?: object }).req);
          for (const error of requestContext.errors) noteErrorContext(error.originalError, context);
        },
        async willSendResponse(requestContext) {
          const resolved = requestContext.operation !== undefined;
          const operation = resolved ? metrics.operationLabel(requestContext.operationName) : 'invalid';
          const type = requestContext.operation?.operation ?? 'unknown';
          const { body } = requestContext.response;
          const errors: readonly GraphQLFormattedError[] = (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
          metrics.graphqlOperations.inc({ operation, type, outcome: errors.length > 0 ? 'error' : 'success', transport: 'http' });
          metrics.graphqlDuration.observe({ operation, type, transport: 'http' }, (performance.now() - started) / 1000);
          for (const error of errors) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
        },
      };
    },
  };
}
