import { ErrorCode } from './error-code.js';

export interface ErrorDetail {
  /** Dotted path of the offending input field, e.g. `executionConfig.timeout`. */
  field?: string;
  message: string;
}

/**
 * Base of every error the platform raises on purpose. Services throw these; the one
 * formatter in `error-presenter.ts` turns them into GraphQL errors and HTTP responses.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds after which a retry may succeed (THROTTLED, RATE_LIMITED, QUOTA_EXCEEDED). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, key: string) {
    super(ErrorCode.NOT_FOUND, `${what} ${JSON.stringify(key)} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** A registration whose contract breaks the previous version's; every reason is a detail. */
export class BreakingChangeError extends DomainError {
  constructor(message: string, details: ErrorDetail[]) {
    super(ErrorCode.BREAKING_CHANGE, message, details);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, message);
  }
}

/** A response that would be larger than the client may be sent. */
export class ResponseTooLargeError extends DomainError {
  constructor(limit: number) {
    super(ErrorCode.RESPONSE_TOO_LARGE, `The response would exceed ${limit} bytes: ask for fewer items or fields`);
  }
}

/** A request whose body did not arrive within the allowed time. */
export class RequestTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    super(ErrorCode.REQUEST_TIMEOUT, `The request body did not arrive within ${timeoutMs} ms`);
  }
}

export class FunctionNotReadyError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.FUNCTION_NOT_READY, message);
  }
}

export class ThrottledError extends DomainError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(ErrorCode.THROTTLED, message, [], retryAfterSeconds);
  }
}

/** No credentials where they are required, or credentials that are not valid. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

/** Valid credentials without the right to do this (where saying so leaks nothing). */
export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, [], retryAfterSeconds);
  }
}

/** A quota is used up: until a time (`retryAfterSeconds`), or until the caller frees some of it (none). */
export class QuotaExceededError extends DomainError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(ErrorCode.QUOTA_EXCEEDED, message, [], retryAfterSeconds);
  }
}

/** The platform cannot take the call now (a dependency unreachable, store failing, record backlog full, shutting down); retrying later may work. */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message, [], retryAfterSeconds);
  }
}
