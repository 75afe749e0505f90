import { z } from 'zod';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { INVOCATION_STATUSES } from '@/modules/invocations/invocation.record.js';
import { MAX_REPLAY_LIMIT, type ReplayRequest } from './replay.record.js';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((text) => new Date(text));

/** A replay as a JSON document (REST): the shapes; `ReplayService` checks the rest (semver, one selection, ranges). */
const replayDocumentSchema = z.strictObject({
  targetVersion: z.string(),
  invocationIds: z.array(z.string().min(1)).max(MAX_REPLAY_LIMIT).optional(),
  filter: z
    .strictObject({
      status: z.enum(INVOCATION_STATUSES).optional(),
      since: instant.optional(),
      until: instant.optional(),
    })
    .optional(),
  limit: z.number().optional(),
});

/** The replay a REST body asks for, of the function the path names. */
export function parseReplayDocument(functionId: string, body: unknown): ReplayRequest {
  assertSafeKeys(body);
  return { functionId, ...parseOrThrow(replayDocumentSchema, body, 'replay') };
}
