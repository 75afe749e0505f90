import { CONTRACT_PARTS, type ContractPart, type JsonSchema, type VersionContract } from './contract.record.js';

export const CONTRACT_CHANGE_KINDS = [
  'SCHEMA_ADDED',
  'SCHEMA_REMOVED',
  'PROPERTY_ADDED',
  'PROPERTY_REMOVED',
  'REQUIRED_ADDED',
  'REQUIRED_REMOVED',
  'TYPE_NARROWED',
  'TYPE_WIDENED',
  'ENUM_VALUES_REMOVED',
  'ENUM_VALUES_ADDED',
  'BOUND_TIGHTENED',
  'BOUND_LOOSENED',
  'ADDITIONAL_PROPERTIES_CLOSED',
  'ADDITIONAL_PROPERTIES_OPENED',
  'OTHER',
  'OUTPUT_MODE',
] as const;
export type ContractChangeKind = (typeof CONTRACT_CHANGE_KINDS)[number];

/** One difference between two versions' contracts, and whether it breaks callers of the older one. */
export interface ContractChange {
  /** `input/size/width`: the part, then property names (`[]` for array items). */
  path: string;
  kind: ContractChangeKind;
  breaking: boolean;
  message: string;
}

/**
 * Every difference between two contracts, each judged from the side of the callers of the
 * older version. Requests (input, query) break when the new schema accepts less: a property
 * removed, a field newly required, a type set shrunk, enum values removed, a tighter bound
 * (minimum, maximum, lengths, item counts), extra properties no longer allowed. Results (output)
 * break when the new schema promises less: a property removed or no longer required, a type set
 * grown, or the schema dropped. Declaring a schema where there was none breaks nothing (there
 * was no promise). Keywords beyond these (`$ref`, combinators, patterns) are compared as text and
 * reported as OTHER, not breaking.
 */
export function contractChanges(before: VersionContract | null, after: VersionContract | null): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const part of CONTRACT_PARTS) {
    const old = before?.[part];
    const next = after?.[part];
    if (old === undefined && next === undefined) continue;
    if (old === undefined) changes.push({ path: part, kind: 'SCHEMA_ADDED', breaking: false, message: `${part} schema declared` });
    else if (next === undefined) {
      const breaking = part === 'output';
      changes.push({
        path: part,
        kind: 'SCHEMA_REMOVED',
        breaking,
        message: `${part} schema removed${breaking ? ': results are no longer promised any shape' : ''}`,
      });
    } else compareNode(part, part, old, next, changes);
  }
  if (before !== null && after !== null && before.outputMode !== after.outputMode) {
    changes.push({ path: 'outputMode', kind: 'OUTPUT_MODE', breaking: false, message: `outputMode ${before.outputMode} → ${after.outputMode}` });
  }
  return changes;
}

/** The changes that break callers of the older version. */
export function breakingChanges(before: VersionContract | null, after: VersionContract | null): ContractChange[] {
  return contractChanges(before, after).filter((change) => change.breaking);
}

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
/** Compared structurally by the rules above; anything else in a schema node is compared as text. */
const ANALYSED = new Set<string>(['type', 'enum', 'properties', 'required', 'items', 'additionalProperties', ...LOWER_BOUNDS, ...UPPER_BOUNDS]);
/** Words of a schema that describe it without constraining anything. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);

function compareNode(part: ContractPart, path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  const request = part !== 'output';
  compareTypes(request, path, before, after, changes);
  compareEnums(request, path, before, after, changes);
  if (request) compareBounds(path, before, after, changes);
  compareProperties(part, path, before, after, changes);
  compareAdditionalProperties(request, path, before, after, changes);
  const items = [schemaOf(before.items), schemaOf(after.items)];
  if (items[0] && items[1]) compareNode(part, `${path}/[]`, items[0], items[1], changes);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ANALYSED.has(key) || ANNOTATIONS.has(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push({ path, kind: 'OTHER', breaking: false, message: `${key} changed (not analysed for compatibility)` });
    }
  }
}

function compareProperties(part: ContractPart, path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  const request = part !== 'output';
  const oldProps = propertiesOf(before);
  const newProps = propertiesOf(after);
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) {
      changes.push({ path: `${path}/${name}`, kind: 'PROPERTY_REMOVED', breaking: true, message: `${request ? 'input' : 'output'} property ${name} removed` });
    }
  }
  for (const name of Object.keys(newProps)) {
    if (!(name in oldProps)) changes.push({ path: `${path}/${name}`, kind: 'PROPERTY_ADDED', breaking: false, message: `property ${name} added` });
  }
  const oldRequired = requiredOf(before);
  const newRequired = requiredOf(after);
  for (const name of newRequired) {
    if (!oldRequired.has(name)) {
      changes.push({ path: `${path}/${name}`, kind: 'REQUIRED_ADDED', breaking: request, message: `${name} is now required` });
    }
  }
  for (const name of oldRequired) {
    // A removed property is reported as such, not twice.
    if (!newRequired.has(name) && name in newProps) {
      changes.push({
        path: `${path}/${name}`,
        kind: 'REQUIRED_REMOVED',
        breaking: !request,
        message: `${name} is no longer required${request ? '' : ' in results'}`,
      });
    }
  }
  for (const name of Object.keys(oldProps)) {
    if (name in newProps) compareNode(part, `${path}/${name}`, oldProps[name]!, newProps[name]!, changes);
  }
}

function compareTypes(request: boolean, path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  const oldTypes = typesOf(before);
  const newTypes = typesOf(after);
  const lost = [...(oldTypes ?? ALL_TYPES)].filter((type) => !covers(newTypes, type));
  const gained = [...(newTypes ?? ALL_TYPES)].filter((type) => !covers(oldTypes, type));
  const describe = (types: Set<string> | null) => (types ? [...types].join(' | ') : 'any');
  if (lost.length > 0) {
    changes.push({ path, kind: 'TYPE_NARROWED', breaking: request, message: `type narrowed from ${describe(oldTypes)} to ${describe(newTypes)}` });
  }
  if (gained.length > 0) {
    changes.push({ path, kind: 'TYPE_WIDENED', breaking: !request, message: `type widened from ${describe(oldTypes)} to ${describe(newTypes)}` });
  }
}

function compareEnums(request: boolean, path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  const oldValues = Array.isArray(before.enum) ? before.enum.map((value) => JSON.stringify(value)) : null;
  const newValues = Array.isArray(after.enum) ? after.enum.map((value) => JSON.stringify(value)) : null;
  if (oldValues === null && newValues === null) return;
  const removed = oldValues === null ? ['(any value)'] : oldValues.filter((value) => newValues !== null && !newValues.includes(value));
  const added = newValues === null ? ['(any value)'] : newValues.filter((value) => oldValues !== null && !oldValues.includes(value));
  if (removed.length > 0) {
    changes.push({ path, kind: 'ENUM_VALUES_REMOVED', breaking: request, message: `enum values removed: ${removed.join(', ')}` });
  }
  if (added.length > 0) changes.push({ path, kind: 'ENUM_VALUES_ADDED', breaking: !request, message: `enum values added: ${added.join(', ')}` });
}

function compareBounds(path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  for (const [keywords, tighter] of [
    [LOWER_BOUNDS, (old: number, next: number) => next > old],
    [UPPER_BOUNDS, (old: number, next: number) => next < old],
  ] as const) {
    for (const keyword of keywords) {
      const old = numberOf(before[keyword]);
      const next = numberOf(after[keyword]);
      if (old === next) continue;
      const text = `${keyword} ${old ?? 'none'} → ${next ?? 'none'}`;
      if (next !== null && (old === null || tighter(old, next))) changes.push({ path, kind: 'BOUND_TIGHTENED', breaking: true, message: `${text} (tighter)` });
      else changes.push({ path, kind: 'BOUND_LOOSENED', breaking: false, message: text });
    }
  }
}

function compareAdditionalProperties(request: boolean, path: string, before: JsonSchema, after: JsonSchema, changes: ContractChange[]): void {
  const wasClosed = before.additionalProperties === false;
  const isClosed = after.additionalProperties === false;
  if (!wasClosed && isClosed) {
    changes.push({ path, kind: 'ADDITIONAL_PROPERTIES_CLOSED', breaking: request, message: 'properties not listed are no longer accepted' });
  }
  if (wasClosed && !isClosed) changes.push({ path, kind: 'ADDITIONAL_PROPERTIES_OPENED', breaking: false, message: 'properties not listed are now accepted' });
}

const ALL_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string']);

/** The types a node allows; null: any. */
function typesOf(schema: JsonSchema): Set<string> | null {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type.filter((type): type is string => typeof type === 'string'));
  return null;
}

/** Whether a type set allows every value of `type` (`number` covers `integer`). */
function covers(types: Set<string> | null, type: string): boolean {
  return types === null || types.has(type) || (type === 'integer' && types.has('number'));
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null) return {};
  const result: Record<string, JsonSchema> = {};
  for (const [name, value] of Object.entries(properties)) {
    const node = schemaOf(value);
    if (node) result[name] = node;
  }
  return result;
}

function requiredOf(schema: JsonSchema): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
}

function schemaOf(value: unknown): JsonSchema | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : null;
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
