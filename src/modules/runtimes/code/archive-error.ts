import { ValidationError } from '@/kernel/errors/domain-error.js';

/** A refused archive: a 400 / BAD_USER_INPUT naming the `code` field. */
export function archiveError(format: string, reason: string): ValidationError {
  const message = `The ${format} archive is refused: ${reason}`;
  return new ValidationError(message, [{ field: 'code', message: reason }]);
}
