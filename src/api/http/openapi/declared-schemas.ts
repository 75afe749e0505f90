import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import type { JsonObject } from './openapi-components.js';

/** JSON Schemas of what a version takes and returns, as its documents show them. */
export interface DeclaredSchemas {
  /** The request body's schema; absent: any body of any type. */
  request?: JsonObject;
  /** The query string's schema (an object schema: each property a parameter); absent: any. */
  query?: JsonObject;
  /** The 200 response's schema; absent: any. */
  response?: JsonObject;
}

/**
 * The schemas a version declares in its contract (`contract.input`, `.query`, `.output`), or
 * none. This is the one place to read them from the version record; the function documents put
 * them on every operation's `requestBody`, query parameters and 200 response.
 */
export function declaredSchemasOf(version: Pick<FunctionVersionRecord, 'contract'> | null): DeclaredSchemas {
  const contract = version?.contract ?? null;
  if (contract === null) return {};
  return {
    ...(contract.input ? { request: contract.input as JsonObject } : {}),
    ...(contract.query ? { query: contract.query as JsonObject } : {}),
    ...(contract.output ? { response: contract.output as JsonObject } : {}),
  };
}

/** The query schema's properties as OpenAPI query parameters (required when the schema requires them). */
export function queryParametersOf(schemas: DeclaredSchemas): JsonObject[] {
  const query = schemas.query;
  const properties = query?.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return [];
  const required = new Set(Array.isArray(query?.required) ? query.required : []);
  return Object.entries(properties as JsonObject).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema: schema as JsonObject }));
}
