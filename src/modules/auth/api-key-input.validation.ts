import { z } from 'zod';
import { hasControlCharacters } from '@/kernel/validation/safe-keys.js';
import { ROLES } from '@/kernel/identity/roles.js';
import { SUBJECT_PATTERN, SUBJECT_RULE } from '@/kernel/identity/subject.js';

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export const createApiKeySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .refine((v) => !hasControlCharacters(v) && !/[\n\r\t]/.test(v), 'must not contain control characters'),
  roles: z
    .array(z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }))
    .min(1, 'at least one role')
    .max(ROLES.length)
    .refine((roles) => new Set(roles).size === roles.length, 'roles must be unique'),
  ownerId: z
    .string()
    .regex(SUBJECT_PATTERN, `must be ${SUBJECT_RULE}`)
    .refine((v) => !v.startsWith('system:'), 'ids under system: are reserved')
    .optional(),
  expiresAt: z
    .date()
    .refine((d) => d.getTime() > Date.now(), 'must be in the future')
    .refine((d) => d.getTime() < Date.now() + TEN_YEARS_MS, 'must be within ten years')
    .optional(),
});

export type CreateApiKeyCommand = z.output<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.string().regex(/^[0-9a-f-]{36}$/, 'must be an API key id');
