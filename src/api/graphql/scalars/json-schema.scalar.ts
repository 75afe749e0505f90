import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '@/kernel/validation/json-depth.js';

function literalToValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalToValue(v, variables));
    case Kind.OBJECT: {
      const object: Record<string, unknown> = {};
      // defineProperty: a `__proto__` field must stay a field (the contract check refuses it) and not become a prototype.
      for (const field of node.fields) {
        Object.defineProperty(object, field.name.value, {
          value: literalToValue(field.value, variables),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('Unsupported JSON literal');
  }
}

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
