/** Machine-readable error codes, shared by GraphQL `extensions.code` and HTTP JSON bodies. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** A new version's contract breaks the previous version's, without a major version bump or `allowBreakingChanges`. */
  BREAKING_CHANGE = 'BREAKING_CHANGE',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** A GraphQL response larger than FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES: ask for less (smaller pages, fewer fields). */
  RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE',
  /** The request's body did not arrive in time (FNGRAPH_BODY_TIMEOUT_MS). */
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  FUNCTION_NOT_READY = 'FUNCTION_NOT_READY',
  THROTTLED = 'THROTTLED',
  RATE_LIMITED = 'RATE_LIMITED',
  QUOTA_EXCEEDED = 'QUOTA_EXCEEDED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}
