import { ValidationError } from '@/kernel/errors/domain-error.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from '@/kernel/pagination/page.js';

/** Cursors are opaque to clients: the sort key, base64url-encoded with a version prefix. */
export function encodeCursor(sortKey: string): string {
  return Buffer.from(`v1:${sortKey}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  if (cursor.length > 512 || !decoded.startsWith('v1:')) {
    throw new ValidationError('Invalid cursor', [{ field: 'after', message: 'use an endCursor returned by the API' }]);
  }
  return decoded.slice(3);
}

/** Validates `first` and decodes `after` into a storage page request. */
export function toPageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, [{ field: 'first', message: `1 to ${MAX_PAGE_SIZE}` }]);
  }
  return { first: size, after: after ? decodeCursor(after) : undefined };
}
