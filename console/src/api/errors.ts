import { FngraphError } from '@fngraph/sdk';

/** The server's error code (`NOT_FOUND`, `FORBIDDEN`, …), when the error is the API's. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof FngraphError ? error.code : undefined;
}

/** The server answers NOT_FOUND both for a missing resource and for one the caller may not see. */
export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'NOT_FOUND';
}

/** The caller may not have it: refused outright, or hidden (see `isNotFound`). */
export function isAccessError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'FORBIDDEN' || code === 'NOT_FOUND';
}
