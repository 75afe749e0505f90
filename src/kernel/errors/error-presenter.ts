import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorDetail } from './domain-error.js';
import { ErrorCode } from './error-code.js';

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.BREAKING_CHANGE]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RESPONSE_TOO_LARGE]: 400,
  [ErrorCode.REQUEST_TIMEOUT]: 408,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.FUNCTION_NOT_READY]: 409,
  [ErrorCode.THROTTLED]: 429,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.QUOTA_EXCEEDED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

const CODE_FOR_HTTP_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  408: ErrorCode.REQUEST_TIMEOUT,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** The transport-neutral shape of an error, as clients see it. */
export interface PresentedError {
  status: number;
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  retryAfterSeconds?: number;
  /** Set for unexpected errors only: they are logged, and their message is hidden. */
  unexpected: boolean;
}

/**
 * The single place where any thrown value becomes what a client sees. Domain errors keep
 * their message; framework HTTP errors (body too large, malformed JSON) keep their status;
 * anything else is an internal error whose message is not revealed.
 */
export function presentError(error: unknown): PresentedError {
  if (error instanceof DomainError) {
    return {
      status: HTTP_STATUS[error.code],
      code: error.code,
      message: error.message,
      details: error.details,
      retryAfterSeconds: error.retryAfterSeconds,
      unexpected: false,
    };
  }
  const httpStatus = frameworkHttpStatus(error);
  if (httpStatus !== undefined && httpStatus < 500) {
    return {
      status: httpStatus,
      code: CODE_FOR_HTTP_STATUS[httpStatus] ?? ErrorCode.BAD_USER_INPUT,
      message: frameworkMessage(error, httpStatus),
      details: [],
      unexpected: false,
    };
  }
  return {
    status: 500,
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    message: 'Internal server error',
    details: [],
    unexpected: true,
  };
}

/** Nest's HttpException, or body-parser's errors which carry `status`/`type`. */
function frameworkHttpStatus(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  if (typeof error === 'object' && error !== null) {
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return undefined;
}

function frameworkMessage(error: unknown, status: number): string {
  const type = (error as { type?: unknown }).type;
  if (status === 413 || type === 'entity.too.large') return 'Request body is too large';
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (error instanceof HttpException) {
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const message = (response as { message: unknown }).message;
      return Array.isArray(message) ? message.join('; ') : String(message);
    }
  }
  return error instanceof Error ? error.message : 'Request failed';
}
