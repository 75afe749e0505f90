import { GraphQLError, GraphQLScalarType } from 'graphql';
import { literalToValue } from './json-literal.js';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { DomainError } from '@/kernel/errors/domain-error.js';

/** Inputs are checked for operator and prototype keys before any resolver sees them. */
function checked(value: unknown): unknown {
  try {
    assertSafeKeys(value);
  } catch (error) {
    throw new GraphQLError((error as DomainError).message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: checked,
  parseLiteral: (node, variables) => checked(literalToValue(node, variables)),
});

function asStringMap(value: unknown): Record<string, string> {
  checked(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('StringMap must be an object', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new GraphQLError(`StringMap value of ${JSON.stringify(key)} must be a string`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return value as Record<string, string>;
}

export const StringMapScalar = new GraphQLScalarType({
  name: 'StringMap',
  description: 'A JSON object whose values are all strings, e.g. {"lodash": "^4.17.21"}.',
  serialize: (value) => value,
  parseValue: asStringMap,
  parseLiteral: (node, variables) => asStringMap(literalToValue(node, variables)),
});

function asEnvironmentMap(value: unknown): Record<string, unknown> {
  checked(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('EnvironmentVariables must be an object', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value as Record<string, unknown>;
}

/** Names to a string, or to `{ value, secret }`; checked in full by the function document schema. */
export const EnvironmentVariablesScalar = new GraphQLScalarType({
  name: 'EnvironmentVariables',
  description: 'Variable name → value (a string) or { "value": "...", "secret": true } for a value the API never returns.',
  serialize: (value) => value,
  parseValue: asEnvironmentMap,
  parseLiteral: (node, variables) => asEnvironmentMap(literalToValue(node, variables)),
});
