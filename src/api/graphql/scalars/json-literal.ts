import { GraphQLError, Kind, type ValueNode } from 'graphql';

/**
 * A JSON value written inline in an operation. `Object.fromEntries` defines each field as its
 * own property, so a `__proto__` field stays a field (the safe-key checks refuse it) and never
 * becomes a prototype.
 */
export function literalToValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
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
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('Unsupported JSON literal');
  }
}
