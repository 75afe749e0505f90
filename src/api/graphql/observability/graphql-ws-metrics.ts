import { type ExecutionArgs, type ExecutionResult, getOperationAST, type GraphQLError, Kind } from 'graphql';
import type { ApiTelemetry } from '@/kernel/telemetry/api-telemetry.js';

/** The graphql-ws server hooks this module uses (its `ServerOptions`, loosely typed). */
export interface GraphQLWsMetricsHooks {
  onOperation: (ctx: object, id: string, payload: unknown, args: ExecutionArgs, result: unknown) => void;
  onComplete: (ctx: object, id: string) => void;
  onError: (ctx: object, id: string, payload: unknown, errors: readonly GraphQLError[]) => void;
}

/**
 * GraphQL over WebSocket: operations counted like HTTP ones (`transport="ws"`), and the
 * active subscriptions by root field. graphql-ws calls `onComplete` once for every
 * operation whose `onOperation` returned a stream, however it ends (client `complete`,
 * server end, error, socket closed), which is where the gauge goes down.
 */
export function graphqlWsMetrics(telemetry: ApiTelemetry): GraphQLWsMetricsHooks {
  const active = new WeakMap<object, Map<string, string>>();
  return {
    onOperation(ctx, id, _payload, args, result) {
      const ast = getOperationAST(args.document, args.operationName);
      const errors = isAsyncIterable(result) ? undefined : (result as ExecutionResult).errors;
      telemetry.operationFinished({
        operation: ast?.name?.value ?? args.operationName ?? null,
        validated: true,
        type: ast?.operation ?? 'unknown',
        transport: 'ws',
        errorCodes: (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN')),
      });
      if (!isAsyncIterable(result)) return;
      const first = ast?.selectionSet.selections[0];
      const field = first?.kind === Kind.FIELD ? first.name.value : 'unknown';
      let byId = active.get(ctx);
      if (!byId) {
        byId = new Map();
        active.set(ctx, byId);
      }
      byId.set(id, field);
      telemetry.subscriptionOpened(field);
    },
    onComplete(ctx, id) {
      const byId = active.get(ctx);
      const field = byId?.get(id);
      if (field === undefined) return;
      byId!.delete(id);
      telemetry.subscriptionClosed(field);
    },
    onError(ctx, id, _payload, errors) {
      const codes = errors.map((error) => String(error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED'));
      // Before `onOperation`: the operation did not validate. After: its stream failed.
      const streaming = active.get(ctx)?.has(id) ?? false;
      if (streaming) telemetry.errorsReported(codes);
      else telemetry.operationFinished({ operation: null, validated: false, type: 'unknown', transport: 'ws', errorCodes: codes });
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
