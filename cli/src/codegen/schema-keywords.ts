/** A JSON Schema object (a boolean schema is handled apart). */
export type SchemaObject = { [keyword: string]: unknown };

export function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keywords both converters understand: the structural ones, and those that only constrain
 * values (lengths, ranges, formats), so the type is the same without them. `allOf` is
 * TypeScript's alone (an intersection has no Python form).
 */
export const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  'title',
  'description',
  'default',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'contentMediaType',
  'contentEncoding',
  'contains',
  'minContains',
  'maxContains',
  'propertyNames',
  'dependentRequired',
  '$defs',
  'definitions',
  'nullable',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'items',
  'prefixItems',
  'enum',
  'const',
  'oneOf',
  'anyOf',
  '$ref',
  'unevaluatedProperties',
]);

/** Keywords the converter does not translate (its type says less than the schema), `x-` extensions aside. */
export function untranslatedKeywords(schema: SchemaObject, known: ReadonlySet<string> = KNOWN_KEYWORDS): string[] {
  return Object.keys(schema).filter((keyword) => !known.has(keyword) && !keyword.startsWith('x-'));
}
