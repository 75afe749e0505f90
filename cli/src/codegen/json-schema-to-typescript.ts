import { isObject, KNOWN_KEYWORDS, type SchemaObject, untranslatedKeywords } from './schema-keywords.js';
import { UniqueNames } from './unique-names.js';

/**
 * JSON Schema (2020-12, plus OpenAPI's `nullable`) → TypeScript type declarations, for the
 * typed clients `fngraph codegen` writes. Our own small converter rather than a dependency:
 * declared contracts are plain schemas, the output has to be deterministic and quiet (no
 * banner, no prettier run), and the CLI ships with few dependencies.
 *
 * Covered: `type` (one or several), objects (properties, required/optional,
 * additionalProperties, patternProperties), arrays (items, prefixItems), `enum` and `const`
 * (literal unions), `oneOf`/`anyOf` (unions), `allOf` (intersections), `$ref` within the
 * schema (`#`, `#/$defs/…`, `#/definitions/…` become named types; other local pointers are
 * followed), `nullable`, boolean schemas. Anything else becomes `unknown` with a comment
 * saying why, never a type that claims more than the schema does.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };

/** One named type to declare: `export type <name> = <type>;` with its JSDoc. */
export interface TypeDeclaration {
  name: string;
  description: string | undefined;
  type: string;
}

/** What TypeScript also translates: `allOf`, as an intersection. */
const TYPESCRIPT_KEYWORDS: ReadonlySet<string> = new Set([...KNOWN_KEYWORDS, 'allOf']);
const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `resize-image` → `ResizeImage` (type names). */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  if (!joined) return 'Unnamed';
  return /^[0-9]/.test(joined) ? `T${joined}` : joined;
}

/** `resize-image` → `resizeImage` (method names). */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  if (pascal.startsWith('T') && /^[0-9]/.test(name.replace(/[^A-Za-z0-9]/g, ''))) return `_${pascal.slice(1)}`;
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

/** A property key as TypeScript writes it: bare when an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSDoc block (already indented), or nothing when there is no text. */
export function jsDoc(text: string | undefined, indent: string): string {
  if (!text?.trim()) return '';
  // `*/` would end the comment early.
  const lines = text.trim().replace(/\*\//g, '*\\/').split(/\r?\n/);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

function documentation(schema: SchemaObject): string | undefined {
  const description = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
  const notes: string[] = [];
  if (typeof schema.format === 'string') notes.push(`@format ${schema.format}`);
  if (schema.default !== undefined) notes.push(`@default ${JSON.stringify(schema.default)}`);
  if (schema.deprecated === true) notes.push('@deprecated');
  return [description, ...notes].filter(Boolean).join('\n') || undefined;
}

function unknownBecause(reason: string): string {
  return `unknown /* ${reason.replace(/\*\//g, '* /')} */`;
}

function literal(value: unknown): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return null;
}

/**
 * True when `type` is combined with one of `operators` outside any braces, brackets, string
 * or comment: `{ a: A | B }` is not a union, `{ a: A } | null` is.
 */
function hasTopLevel(type: string, operators: readonly string[]): boolean {
  let depth = 0;
  for (let index = 0; index < type.length; index++) {
    const char = type[index]!;
    if (char === '"') {
      // JSON.stringify wrote it: skip to the closing quote, past escapes.
      for (index++; index < type.length && type[index] !== '"'; index++) if (type[index] === '\\') index++;
    } else if (type.startsWith('/*', index)) {
      index = type.indexOf('*/', index + 2) + 1 || type.length;
    } else if ('{[(<'.includes(char)) depth++;
    else if ('}])>'.includes(char)) depth--;
    else if (depth === 0 && char === ' ' && operators.some((operator) => type.startsWith(` ${operator} `, index))) return true;
  }
  return false;
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.length === 0) return 'never';
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 1 ? unique[0]! : unique.map((type) => (hasTopLevel(type, ['&']) ? `(${type})` : type)).join(' | ');
}

/** `type` ready to be an operand of `&` or `[]`. */
function parenthesized(type: string): string {
  return hasTopLevel(type, ['|', '&']) ? `(${type})` : type;
}

/**
 * Converts the schemas of one module: `declare(name, schema)` returns the declarations of
 * that root and of every definition it refers to; names are unique across the module.
 */
export class SchemaConverter {
  private readonly declarations: TypeDeclaration[] = [];
  private readonly names = new UniqueNames();

  /** Declarations so far, in the order they were made (roots first, then their definitions by name). */
  get all(): readonly TypeDeclaration[] {
    return this.declarations;
  }

  /** A name not used yet in this module, from `wanted`. */
  reserveName(wanted: string): string {
    return this.names.take(wanted);
  }

  /** Declares `schema` as `name` (already reserved) with its definitions. */
  declare(name: string, schema: JsonSchema): void {
    const root = new RootConversion(this, name, schema);
    const type = root.convert(schema, 0, []);
    this.declarations.push({ name, description: isObject(schema) ? documentation(schema) : undefined, type });
    this.declarations.push(...root.definitions());
  }
}

/** One root schema: resolves its local `$ref`s and names its definitions after the root. */
class RootConversion {
  private readonly definitionNames = new Map<string, string>();
  private readonly definitionTypes = new Map<string, TypeDeclaration>();

  constructor(
    private readonly module: SchemaConverter,
    private readonly rootName: string,
    private readonly root: JsonSchema,
  ) {}

  definitions(): TypeDeclaration[] {
    return [...this.definitionTypes.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  convert(schema: JsonSchema, depth: number, refStack: string[]): string {
    if (schema === true) return 'unknown';
    if (schema === false) return 'never';
    if (!isObject(schema)) return unknownBecause('not a schema');

    const unsupported = untranslatedKeywords(schema, TYPESCRIPT_KEYWORDS);
    if (unsupported.length > 0) return unknownBecause(`not converted: ${unsupported.sort().join(', ')}`);

    let type = this.convertShape(schema, depth, refStack);
    if (schema.nullable === true && type !== 'unknown' && type !== 'null') type = union([type, 'null']);
    return type;
  }

  private convertShape(schema: SchemaObject, depth: number, refStack: string[]): string {
    const parts: string[] = [];
    if (typeof schema.$ref === 'string') parts.push(this.reference(schema.$ref, depth, refStack));
    if ('const' in schema) parts.push(literal(schema.const) ?? unknownBecause('const that is not a primitive'));
    else if (Array.isArray(schema.enum)) {
      const literals = schema.enum.map(literal);
      parts.push(literals.every((value) => value !== null) ? union(literals as string[]) : unknownBecause('enum with values that are not primitives'));
    } else parts.push(this.convertTypes(schema, depth, refStack));

    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const members = schema[keyword];
      if (Array.isArray(members)) parts.push(union(members.map((member) => this.convert(member as JsonSchema, depth, refStack))));
    }
    if (Array.isArray(schema.allOf)) for (const member of schema.allOf) parts.push(this.convert(member as JsonSchema, depth, refStack));

    // `unknown` carries nothing in an intersection (unless it is all there is).
    const informative = parts.filter((part) => part !== 'unknown');
    if (informative.length === 0) return parts.find((part) => part.startsWith('unknown')) ?? 'unknown';
    return informative.length === 1 ? informative[0]! : informative.map(parenthesized).join(' & ');
  }

  /** The `type` keyword (or what the other keywords imply when it is absent); `unknown` when nothing says. */
  private convertTypes(schema: SchemaObject, depth: number, refStack: string[]): string {
    let types: string[];
    if (typeof schema.type === 'string') types = [schema.type];
    else if (Array.isArray(schema.type)) types = schema.type.filter((type): type is string => typeof type === 'string');
    else if (isObject(schema.properties) || 'additionalProperties' in schema || isObject(schema.patternProperties) || Array.isArray(schema.required))
      types = ['object'];
    else if ('items' in schema || Array.isArray(schema.prefixItems)) types = ['array'];
    else return 'unknown';
    return union(types.map((type) => this.convertType(type, schema, depth, refStack)));
  }

  private convertType(type: string, schema: SchemaObject, depth: number, refStack: string[]): string {
    switch (type) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array':
        return this.convertArray(schema, depth, refStack);
      case 'object':
        return this.convertObject(schema, depth, refStack);
      default:
        return unknownBecause(`unknown type ${JSON.stringify(type)}`);
    }
  }

  private convertArray(schema: SchemaObject, depth: number, refStack: string[]): string {
    if (Array.isArray(schema.prefixItems)) {
      const fixed = schema.prefixItems.map((item) => this.convert(item as JsonSchema, depth, refStack));
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const elements = fixed.map((item, index) => (index < minItems ? item : `${item}?`));
      if (schema.items === false) return `[${elements.join(', ')}]`;
      const rest = schema.items === undefined ? 'unknown' : this.convert(schema.items as JsonSchema, depth, refStack);
      return `[${[...elements, `...${parenthesized(rest)}[]`].join(', ')}]`;
    }
    if (schema.items === undefined) return 'unknown[]';
    return `${parenthesized(this.convert(schema.items as JsonSchema, depth, refStack))}[]`;
  }

  private convertObject(schema: SchemaObject, depth: number, refStack: string[]): string {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
    const inner = INDENT.repeat(depth + 1);
    const lines: string[] = [];
    const propertyTypes: string[] = [];
    let anyOptional = false;
    // Sorted, so the output does not depend on how storage ordered the keys.
    for (const name of Object.keys(properties).sort()) {
      const property = properties[name] as JsonSchema;
      const type = this.convert(property, depth + 1, refStack);
      const optional = !required.has(name);
      anyOptional ||= optional;
      propertyTypes.push(type);
      lines.push(`${jsDoc(isObject(property) ? documentation(property) : undefined, inner)}${inner}${propertyKey(name)}${optional ? '?' : ''}: ${type};`);
    }
    // Required names without a property schema still have to be there.
    for (const name of [...required].filter((name) => !(name in properties)).sort()) {
      propertyTypes.push('unknown');
      lines.push(`${inner}${propertyKey(name)}: unknown;`);
    }

    // Extra keys: typed when the schema says what they are. When it says nothing we leave
    // them out of the type (JSON Schema would allow them): a misspelt field then fails to
    // compile, which is what a generated client is for.
    const extraTypes: string[] = [];
    const additional = schema.additionalProperties ?? schema.unevaluatedProperties;
    if (additional !== undefined && additional !== false) extraTypes.push(this.convert(additional as JsonSchema, depth + 1, refStack));
    if (isObject(schema.patternProperties))
      for (const pattern of Object.keys(schema.patternProperties).sort())
        extraTypes.push(this.convert(schema.patternProperties[pattern] as JsonSchema, depth + 1, refStack));
    if (extraTypes.length > 0) {
      const valueType = union(extraTypes);
      // An index signature must admit every named property's type too.
      const indexType = valueType.startsWith('unknown') ? valueType : union([...extraTypes, ...propertyTypes, ...(anyOptional ? ['undefined'] : [])]);
      lines.push(`${inner}[key: string]: ${indexType};`);
    }
    // `{}` would admit strings and numbers too.
    if (lines.length === 0) return additional === false ? 'Record<string, never>' : 'Record<string, unknown>';
    return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
  }

  /** A local `$ref`: the root, a named definition, or (other pointers) the schema it points at, inlined. */
  private reference(ref: string, depth: number, refStack: string[]): string {
    if (!ref.startsWith('#')) return unknownBecause(`$ref ${ref} is outside the schema`);
    if (ref === '#' || ref === '#/') return this.rootName;
    const definition = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    const target = this.resolvePointer(ref);
    if (target === undefined) return unknownBecause(`$ref ${ref} points at nothing`);
    if (definition) return this.definitionName(definition[2]!, ref, target);
    if (refStack.includes(ref)) return unknownBecause(`$ref ${ref} refers to itself`);
    return this.convert(target, depth, [...refStack, ref]);
  }

  private definitionName(key: string, ref: string, target: JsonSchema): string {
    const known = this.definitionNames.get(ref);
    if (known) return known;
    const name = this.module.reserveName(`${this.rootName}${pascalCase(decodePointerSegment(key))}`);
    this.definitionNames.set(ref, name);
    // Named before converting, so a definition may refer to itself (trees, lists).
    const type = this.convert(target, 0, []);
    this.definitionTypes.set(ref, { name, description: isObject(target) ? documentation(target) : undefined, type });
    return name;
  }

  private resolvePointer(ref: string): JsonSchema | undefined {
    let current: unknown = this.root;
    for (const segment of ref.slice(2).split('/').map(decodePointerSegment)) {
      if (!isObject(current) && !Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current === undefined ? undefined : (current as JsonSchema);
  }
}

function decodePointerSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `export type Name = …;` with its JSDoc. */
export function renderDeclaration(declaration: TypeDeclaration): string {
  return `${jsDoc(declaration.description, '')}export type ${declaration.name} = ${declaration.type};\n`;
}
