/** One GraphQL error as the server formats it: `code` is `extensions.code`. */
export interface FngraphErrorDetail {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface FngraphErrorOptions {
  /** Overrides the code taken from the first error (for failures that are not GraphQL errors). */
  code?: string;
  /** The WebSocket close code that ended a subscription (4401, 4403, …). */
  closeCode?: number;
  /** The underlying error (a network error, a close event). */
  cause?: unknown;
  /** The message when there are no GraphQL errors to join. */
  message?: string;
}

/**
 * Every failure of the SDK: GraphQL errors (`code` is the first error's code: NOT_FOUND,
 * THROTTLED, …), HTTP errors without a GraphQL body (`HTTP_ERROR`, see `httpStatus`), network
 * errors (`NETWORK_ERROR`) and subscriptions closed by the server (`closeCode`, mapped to a code).
 */
export class FngraphError extends Error {
  readonly code: string | undefined;
  readonly closeCode: number | undefined;

  constructor(
    readonly errors: readonly FngraphErrorDetail[],
    readonly httpStatus?: number,
    options: FngraphErrorOptions = {},
  ) {
    super(errors.map((error) => error.message).join('; ') || options.message || `HTTP ${httpStatus}`, { cause: options.cause });
    this.name = 'FngraphError';
    this.code = options.code ?? errors[0]?.extensions?.code;
    this.closeCode = options.closeCode;
  }
}

/** graphql-ws and fngraph close codes, by the error code they mean. */
const CLOSE_CODES: Record<number, string> = {
  4400: 'BAD_REQUEST',
  4401: 'UNAUTHENTICATED',
  4403: 'FORBIDDEN',
  4406: 'BAD_REQUEST',
  4408: 'TIMEOUT',
  4409: 'CONFLICT',
  4429: 'THROTTLED',
  4500: 'INTERNAL_SERVER_ERROR',
  4504: 'TIMEOUT',
};

interface CloseEventLike {
  code: number;
  reason?: string;
}

function isCloseEvent(value: unknown): value is CloseEventLike {
  return typeof value === 'object' && value !== null && typeof (value as CloseEventLike).code === 'number' && 'reason' in value;
}

/** A network failure of `fetch` (refused, unresolvable, reset) as a FngraphError. */
export function networkError(url: string, cause: unknown): FngraphError {
  const reason = cause instanceof Error ? ((cause.cause as { code?: string } | undefined)?.code ?? cause.message) : String(cause);
  return new FngraphError([], undefined, { code: 'NETWORK_ERROR', cause, message: `Cannot reach ${url}: ${reason}` });
}

/**
 * What graphql-ws ends a subscription with (a close event, an error event, an Error, or a
 * list of GraphQL errors) as a FngraphError.
 */
export function subscriptionError(url: string, failure: unknown): FngraphError {
  if (failure instanceof FngraphError) return failure;
  if (Array.isArray(failure)) return new FngraphError(failure as FngraphErrorDetail[]);
  if (isCloseEvent(failure)) {
    const code = CLOSE_CODES[failure.code] ?? (failure.code === 1000 ? 'CONNECTION_CLOSED' : 'NETWORK_ERROR');
    const reason = failure.reason || (code === 'NETWORK_ERROR' ? `Cannot reach ${url}` : 'Connection closed');
    return new FngraphError([], undefined, { code, closeCode: failure.code, cause: failure, message: `${reason} (close code ${failure.code})` });
  }
  // A socket `error` event (connection refused, reset) or an Error thrown inside graphql-ws.
  const inner = (failure as { error?: unknown } | null)?.error ?? failure;
  const message = inner instanceof Error ? `Cannot reach ${url}: ${inner.message}` : `Cannot reach ${url}`;
  return new FngraphError([], undefined, { code: 'NETWORK_ERROR', cause: failure, message });
}
