import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from './contract.record.js';

/** Largest schema accepted, serialised: a contract describes a payload, it is not one. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Deepest nesting of a schema's objects and arrays. */
export const MAX_SCHEMA_DEPTH = 32;

/**
 * Compiles a JSON Schema 2020-12 with Ajv. A fresh Ajv per schema: two versions may use the
 * same `$id`, which one instance would refuse. Unknown keywords and formats are annotations
 * (`strict: false`); a `$ref` must resolve inside the schema (nothing is fetched).
 * `coerce`: values of a query string arrive as strings and are turned into the types the schema names.
 */
export function compileSchema(schema: JsonSchema, options: { coerce: boolean } = { coerce: false }): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, coerceTypes: options.coerce ? 'array' : false });
  return ajv.compile(schema);
}

/** Why a schema cannot be used (too large, too deep, not a schema, does not compile); empty when it can. */
export function schemaProblems(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return ['must be a JSON Schema object'];
  // Depth first: serialising a hostile nesting is what must not happen.
  if (depthOf(schema) > MAX_SCHEMA_DEPTH) return [`nests more than ${MAX_SCHEMA_DEPTH} levels deep`];
  const size = Buffer.byteLength(JSON.stringify(schema));
  if (size > MAX_SCHEMA_BYTES) return [`is ${size} bytes; the limit is ${MAX_SCHEMA_BYTES}`];
  try {
    compileSchema(schema as JsonSchema);
    return [];
  } catch (error) {
    return [`is not a valid JSON Schema (2020-12): ${(error as Error).message}`];
  }
}

/** Ajv's errors as `<root>/<path>: <message>` pairs, a missing property named in the path. */
export function describeErrors(root: string, errors: readonly ErrorObject[] | null | undefined): Array<{ field: string; message: string }> {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? `/${String((error.params as { missingProperty?: unknown }).missingProperty)}` : '';
    const extra = error.keyword === 'additionalProperties' ? `/${String((error.params as { additionalProperty?: unknown }).additionalProperty)}` : '';
    return { field: `${root}${error.instancePath}${missing}${extra}`, message: error.message ?? `fails ${error.keyword}` };
  });
}

/** Stops counting past the limit, so a hostile nesting costs no more than the limit. */
function depthOf(value: unknown, depth = 0): number {
  if (typeof value !== 'object' || value === null || depth > MAX_SCHEMA_DEPTH) return depth;
  let deepest = depth + 1;
  for (const item of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(item, depth + 1));
    if (deepest > MAX_SCHEMA_DEPTH) break;
  }
  return deepest;
}
