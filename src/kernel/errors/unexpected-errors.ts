/** Where an unexpected error surfaced. */
export type UnexpectedErrorSource = 'graphql' | 'http' | 'invocation' | 'executor' | 'events' | 'storage' | 'build' | 'background';

export interface UnexpectedErrorReport {
  source: UnexpectedErrorSource;
  /** Where: a GraphQL field path, an HTTP route, an invocation. */
  where?: string;
  functionName?: string;
  invocationId?: string;
  /** The HTTP request it happened in, for its log context (request id, trace id, ...). */
  request?: object;
}

/** One unexpected error as kept for administrators (`platformErrors`, `/health/ready`). */
export interface UnexpectedErrorEntry {
  id: string;
  occurredAt: Date;
  source: UnexpectedErrorSource;
  /** The error's class name, e.g. `TypeError`, `MongoServerError`. */
  type: string;
  message: string;
  stack: string | null;
  /** Where: a GraphQL path, an HTTP route, an invocation id. */
  where: string | null;
  requestId: string | null;
  traceId: string | null;
  functionName: string | null;
  invocationId: string | null;
}

/**
 * Port for the platform's own unexpected errors (a bug, a store that fails; not a
 * function's failure): the one path every such error takes. Each is logged once with its
 * stack and context, counted, and kept (per node) for administrators.
 */
export abstract class UnexpectedErrors {
  abstract report(error: unknown, report: UnexpectedErrorReport): void;
  /** The most recent ones on this node, newest first. */
  abstract recent(limit?: number): UnexpectedErrorEntry[];
  /** How many this node has seen since it started. */
  abstract get total(): number;
}
