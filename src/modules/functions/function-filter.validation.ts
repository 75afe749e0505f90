import { z } from 'zod';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { hasControlCharacters } from '@/kernel/validation/safe-keys.js';
import { LANGUAGES } from '@/modules/runtimes/runtime-catalog.js';
import type { FunctionFilter } from './function.record.js';

const filterSchema = z.strictObject({
  namePrefix: z
    .string()
    .max(63)
    .refine((v) => !hasControlCharacters(v), 'must not contain control characters')
    .optional(),
  tag: z.string().max(50).optional(),
  language: z.enum(LANGUAGES).optional(),
});

/** Filters are user input that reaches queries: typed, bounded and free of operators. */
export function parseFunctionFilter(input: unknown): FunctionFilter {
  return parseOrThrow(filterSchema, input, 'filter');
}
