import { z } from 'zod';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { SUBJECT_PATTERN, SUBJECT_RULE } from '@/kernel/identity/subject.js';
import { AUDIT_ACTIONS, type AuditFilter } from './audit.record.js';

const filterSchema = z.strictObject({
  action: z.enum(AUDIT_ACTIONS, { message: `must be one of ${AUDIT_ACTIONS.join(', ')}` }).optional(),
  actorId: z.string().regex(SUBJECT_PATTERN, `must be ${SUBJECT_RULE}`).optional(),
  targetId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id')
    .optional(),
  since: z.date().optional(),
  until: z.date().optional(),
});

/** Audit filters are typed and bounded before they reach a query. */
export function parseAuditFilter(input: unknown): AuditFilter {
  return parseOrThrow(filterSchema, input, 'audit filter');
}
