import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import type { JsonObject } from './openapi-components.js';

/** JSON Schemas of what a version takes and returns, as its documents show them. */
export interface DeclaredSchemas {
  /** The request body's schema; absent: any body of any type. */
  request?: JsonObject;
  /** The 200 response's schema; absent: any. */
  response?: JsonObject;
}

/**
 * The schemas a version declares for its input and output. Versions declare none yet (issue 15
 * adds them): every body is "anything" until then. This is the one place to read them from the
 * version record; the function documents put them on every operation's `requestBody` and 200 response.
 */
export function declaredSchemasOf(_version: Pick<FunctionVersionRecord, 'id'> | null): DeclaredSchemas {
  return {};
}
