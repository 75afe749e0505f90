import { GraphQLError, GraphQLScalarType } from 'graphql';
import { literalToValue } from './json-literal.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '@/kernel/validation/json-depth.js';

/**
 * Unlike `JSON`, whose inputs may not use `$` keys (database operators), a JSON Schema needs
 * them (`$ref`, `$defs`): they are stored as text and checked whole by the contract validation.
 */
function asSchemaObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('A JSON Schema must be an object', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (exceedsJsonDepth(value)) {
    throw new GraphQLError(`A JSON Schema may nest at most ${MAX_JSON_DEPTH} levels deep`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value as Record<string, unknown>;
}

export const JSONSchemaScalar = new GraphQLScalarType({
  name: 'JSONSchema',
  description: 'A JSON Schema (2020-12) object; its `$` keywords ($ref, $defs, …) are allowed.',
  serialize: (value) => value,
  parseValue: asSchemaObject,
  parseLiteral: (node, variables) => asSchemaObject(literalToValue(node, variables)),
});
