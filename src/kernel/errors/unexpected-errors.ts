/** Where an unexpected error surfaced. */
export type UnexpectedErrorSource = 'graphql' | 'http' | 'invocation' | 'executor' | 'events' | 'background';

export interface UnexpectedErrorReport {
  source: UnexpectedErrorSource;
  /** Where: a GraphQL field path, an HTTP route, an invocation. */
  where?: string;
  functionName?: string;
  invocationId?: string;
  /** The error was logged with its stack already (by code that cannot change): count and keep it only. */
  alreadyLogged?: boolean;
  /** The HTTP request it happened in, for its log context (request id, trace id, ...). */
  request?: object;
}

/**
 * Port for the platform's own unexpected errors (those `presentError` marks `unexpected`):
 * each is logged once with its stack and context, counted, and kept for admins. The
 * observability module provides it.
 */
export abstract class UnexpectedErrors {
  abstract report(error: unknown, report: UnexpectedErrorReport): void;
}
