export type ApiTransport = 'http' | 'ws';

export interface GraphQLOperationOutcome {
  /** The operation's name (null: anonymous). */
  operation: string | null;
  /** Whether it parsed and validated: only those are counted under their own name (a client cannot make names up). */
  validated: boolean;
  /** query, mutation, subscription, or unknown. */
  type: string;
  transport: ApiTransport;
  /** `extensions.code` of each error in the response. */
  errorCodes: string[];
  /** Time to answer; absent where it means nothing (subscriptions over WebSocket). */
  durationMs?: number;
}

/** Port: what the API layer tells about the operations it serves (counted as metrics). */
export abstract class ApiTelemetry {
  abstract operationFinished(outcome: GraphQLOperationOutcome): void;
  /** Errors outside any operation result (e.g. a subscription's stream failing). */
  abstract errorsReported(codes: readonly string[]): void;
  abstract subscriptionOpened(field: string): void;
  abstract subscriptionClosed(field: string): void;
}
