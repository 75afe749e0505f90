import type { z } from 'zod';
import { ValidationError } from '@/kernel/errors/domain-error.js';

/** Parses `input` with `schema`, turning every issue into one `ValidationError`. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || undefined, message: issue.message }));
  const first = details[0];
  throw new ValidationError(`Invalid ${what}: ${first.field ? `${first.field}: ` : ''}${first.message}`, details);
}
