import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { ApiTelemetry } from '@/kernel/telemetry/api-telemetry.js';
import { noteErrorContext, requestContextOf } from '@/kernel/telemetry/request-context.js';

/**
 * GraphQL over HTTP: one count and one duration per operation (by name and type), the
 * outcome, and each error's code.
 */
export function graphqlMetricsPlugin(telemetry: ApiTelemetry): ApolloServerPlugin<BaseContext> {
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
          const { body } = requestContext.response;
          const errors: readonly GraphQLFormattedError[] = (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
          telemetry.operationFinished({
            operation: requestContext.operationName ?? null,
            validated: requestContext.operation !== undefined,
            type: requestContext.operation?.operation ?? 'unknown',
            transport: 'http',
            errorCodes: errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN')),
            durationMs: performance.now() - started,
          });
        },
      };
    },
  };
}
