import { type ExecutionArgs, type ExecutionResult, getOperationAST, type GraphQLError, Kind } from 'graphql';
import type { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';

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
export function graphqlWsMetrics(metrics: PlatformMetrics): GraphQLWsMetricsHooks {
  const active = new WeakMap<object, Map<string, string>>();
  return {
    onOperation(ctx, id, _payload, args, result) {
      const ast = getOperationAST(args.document, args.operationName);
      const type = ast?.operation ?? 'unknown';
      const operation = metrics.operationLabel(ast?.name?.value ?? args.operationName);
      const errors = isAsyncIterable(result) ? undefined : (result as ExecutionResult).errors;
      metrics.graphqlOperations.inc({ operation, type, outcome: errors?.length ? 'error' : 'success', transport: 'ws' });
      for (const error of errors ?? []) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
      if (!isAsyncIterable(result)) return;
      const first = ast?.selectionSet.selections[0];
      const field = first?.kind === Kind.FIELD ? first.name.value : 'unknown';
      let byId = active.get(ctx);
      if (!byId) {
        byId = new Map();
        active.set(ctx, byId);
      }
      byId.set(id, field);
      metrics.subscriptions.inc({ field });
    },
    onComplete(ctx, id) {
      const byId = active.get(ctx);
      const field = byId?.get(id);
      if (field === undefined) return;
      byId!.delete(id);
      metrics.subscriptions.dec({ field });
    },
    onError(ctx, id, _payload, errors) {
      // Before `onOperation`: the operation did not validate. After: its stream failed.
      const streaming = active.get(ctx)?.has(id) ?? false;
      if (!streaming) metrics.graphqlOperations.inc({ operation: 'invalid', type: 'unknown', outcome: 'error', transport: 'ws' });
      for (const error of errors) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED') });
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
