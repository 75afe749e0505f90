import type { JsonSchema } from './json-schema-to-typescript.js';
import { pascalCase } from './json-schema-to-typescript.js';
import { isObject, type SchemaObject, untranslatedKeywords } from './schema-keywords.js';
import { UniqueNames } from './unique-names.js';

/**
 * JSON Schema → Python type hints (`TypedDict`, `Literal`, `List`, `Dict`, `Union`,
 * `Optional`), for the Python module `fngraph codegen --python` writes; the twin of the
 * TypeScript converter, with what Python typing can say. Objects with properties become
 * `TypedDict` classes (optional properties `NotRequired`), nested ones hoisted under a name
 * made from their path; objects with only `additionalProperties` become `Dict[str, …]`.
 * `TypedDict` cannot type extra keys, and tuples with optional items have no Python form:
 * those, and what neither converter translates (`not`, `if`/`then`/`else`, `allOf`, remote
 * `$ref`), become `Any` with a comment above the declaration saying why.
 */

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `resize-image` → `resize_image` (method names), never a keyword. */
export function snakeCase(name: string): string {
  let snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (!snake) snake = 'unnamed';
  if (/^[0-9]/.test(snake)) snake = `_${snake}`;
  return PYTHON_KEYWORDS.has(snake) ? `${snake}_` : snake;
}

export function isPythonIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** A Python string literal (JSON's escapes are Python's for the characters JSON escapes). */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}

function pythonLiteral(value: unknown): string | null {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A docstring body: no triple quote or trailing backslash can end it early. */
export function docstring(text: string, indent: string): string {
  const safe = text.trim().replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  const lines = safe.split(/\r?\n/);
  if (lines.length === 1) return `${indent}"""${lines[0]}"""\n`;
  return `${indent}"""${lines[0]}\n${lines
    .slice(1)
    .map((line) => (line ? `${indent}${line}` : ''))
    .join('\n')}\n${indent}"""\n`;
}

function documentation(schema: JsonSchema): string | undefined {
  if (!isObject(schema)) return undefined;
  return typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('Any')) return 'Any';
  const withoutNone = unique.filter((type) => type !== 'None');
  if (withoutNone.length === 0) return 'None';
  const core = withoutNone.length === 1 ? withoutNone[0]! : `Union[${withoutNone.join(', ')}]`;
  return withoutNone.length < unique.length ? `Optional[${core}]` : core;
}

/** One declaration: a `TypedDict` class or an alias, with its comments. */
interface PythonDeclaration {
  name: string;
  text: string;
}

/** Converts the schemas of one module; names are unique across it. */
export class PythonSchemaConverter {
  private readonly declarations: PythonDeclaration[] = [];
  private readonly names = new UniqueNames();

  get all(): readonly PythonDeclaration[] {
    return this.declarations;
  }

  reserveName(wanted: string): string {
    return this.names.take(wanted);
  }

  add(declaration: PythonDeclaration): void {
    this.declarations.push(declaration);
  }

  /** Declares `schema` as `name` (reserved already), and every type it needs before it. */
  declare(name: string, schema: JsonSchema): void {
    new PythonRootConversion(this, name, schema).declareRoot();
  }
}

class PythonRootConversion {
  private readonly definitionNames = new Map<string, string>();

  constructor(
    private readonly module: PythonSchemaConverter,
    private readonly rootName: string,
    private readonly root: JsonSchema,
  ) {}

  declareRoot(): void {
    this.declareNamed(this.rootName, this.root);
  }

  /** Declares `schema` under `name`: a TypedDict class for objects with properties, else an alias. */
  private declareNamed(name: string, schema: JsonSchema): void {
    const notes: string[] = [];
    if (isObject(schema) && this.isPropertyObject(schema) && this.supported(schema) && schema.nullable !== true && !this.hasCombinators(schema)) {
      this.module.add({ name, text: this.typedDict(name, schema, notes) });
      return;
    }
    // A bare quoted name would be a string, not an alias: the named type is declared already.
    const type = this.convert(schema, name, notes).replace(/^"([A-Za-z_][A-Za-z0-9_]*)"$/, '$1');
    const description = documentation(schema);
    const comments = [...(description ? description.split(/\r?\n/) : []), ...notes].map((line) => `# ${line}`.trimEnd());
    this.module.add({ name, text: `${comments.map((line) => `${line}\n`).join('')}${name} = ${type}\n` });
  }

  private supported(schema: SchemaObject): boolean {
    return untranslatedKeywords(schema).length === 0;
  }

  private hasCombinators(schema: SchemaObject): boolean {
    return 'oneOf' in schema || 'anyOf' in schema || 'enum' in schema || 'const' in schema || '$ref' in schema;
  }

  private isPropertyObject(schema: SchemaObject): boolean {
    const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : schema.type === undefined ? ['object'] : [];
    return types.length === 1 && types[0] === 'object' && isObject(schema.properties) && Object.keys(schema.properties).length > 0;
  }

  private typedDict(name: string, schema: SchemaObject, notes: string[]): string {
    const properties = schema.properties as SchemaObject;
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const fields: { key: string; hint: string; doc: string | undefined }[] = [];
    for (const key of Object.keys(properties).sort()) {
      const property = properties[key] as JsonSchema;
      const fieldNotes: string[] = [];
      const type = this.convert(property, `${name}${pascalCase(key)}`, fieldNotes);
      for (const note of fieldNotes) notes.push(`${key}: ${note}`);
      fields.push({ key, hint: required.has(key) ? type : `NotRequired[${type}]`, doc: documentation(property) });
    }
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
      notes.push('extra keys are allowed; TypedDict cannot type them (a dict with them still works at run time)');
    const description = documentation(schema);
    const comments = notes.map((note) => `# ${note}\n`).join('');
    if (fields.every((field) => isPythonIdentifier(field.key))) {
      const body = fields.map((field) => `    ${field.key}: ${field.hint}\n${field.doc ? docstring(field.doc, '    ') : ''}`).join('');
      return `${comments}class ${name}(TypedDict):\n${description ? `${docstring(description, '    ')}\n` : ''}${body}`;
    }
    // Keys that are not identifiers need the functional form (and lose their docstrings).
    const entries = fields.map((field) => `    ${pythonString(field.key)}: ${field.hint},\n`).join('');
    const summary = description
      ? description
          .split(/\r?\n/)
          .map((line) => `# ${line}\n`)
          .join('')
      : '';
    return `${comments}${summary}${name} = TypedDict(${pythonString(name)}, {\n${entries}})\n`;
  }

  /** A type hint for `schema`; `nameHint` names a nested TypedDict when one is needed. */
  convert(schema: JsonSchema, nameHint: string, notes: string[]): string {
    if (schema === true) return 'Any';
    if (schema === false) return 'NoReturn';
    if (!isObject(schema)) return this.unknown(notes, 'not a schema');
    const unsupported = untranslatedKeywords(schema);
    if (unsupported.length > 0) return this.unknown(notes, `not converted: ${unsupported.sort().join(', ')}`);

    const parts: string[] = [];
    if (typeof schema.$ref === 'string') parts.push(this.reference(schema.$ref, notes));
    if ('const' in schema) parts.push(this.literals([schema.const], notes));
    else if (Array.isArray(schema.enum)) parts.push(this.literals(schema.enum, notes));
    else if (!('oneOf' in schema || 'anyOf' in schema) || 'type' in schema) parts.push(this.convertTypes(schema, nameHint, notes));
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const members = schema[keyword];
      if (Array.isArray(members)) parts.push(union(members.map((member, index) => this.convert(member as JsonSchema, `${nameHint}${index + 1}`, notes))));
    }
    const informative = parts.filter((part) => part !== 'Any');
    let type = informative.length === 1 ? informative[0]! : informative.length === 0 ? 'Any' : this.unknown(notes, 'a type combined with oneOf/anyOf/$ref');
    if (schema.nullable === true) type = union([type, 'None']);
    return type;
  }

  private unknown(notes: string[], reason: string): string {
    notes.push(`Any (${reason})`);
    return 'Any';
  }

  private literals(values: unknown[], notes: string[]): string {
    const literals = values.map(pythonLiteral);
    if (literals.some((literal) => literal === null)) return this.unknown(notes, 'enum/const with values that are not primitives');
    const withoutNone = literals.filter((literal) => literal !== 'None');
    const core = withoutNone.length ? `Literal[${withoutNone.join(', ')}]` : 'None';
    return withoutNone.length < literals.length && withoutNone.length ? `Optional[${core}]` : core;
  }

  private convertTypes(schema: SchemaObject, nameHint: string, notes: string[]): string {
    let types: string[];
    if (typeof schema.type === 'string') types = [schema.type];
    else if (Array.isArray(schema.type)) types = schema.type.filter((type): type is string => typeof type === 'string');
    else if (isObject(schema.properties) || 'additionalProperties' in schema || isObject(schema.patternProperties)) types = ['object'];
    else if ('items' in schema || Array.isArray(schema.prefixItems)) types = ['array'];
    else return 'Any';
    return union(types.map((type) => this.convertType(type, schema, nameHint, notes)));
  }

  private convertType(type: string, schema: SchemaObject, nameHint: string, notes: string[]): string {
    switch (type) {
      case 'string':
        return 'str';
      case 'integer':
        return 'int';
      case 'number':
        return 'float';
      case 'boolean':
        return 'bool';
      case 'null':
        return 'None';
      case 'array':
        return this.convertArray(schema, nameHint, notes);
      case 'object':
        return this.convertObject(schema, nameHint, notes);
      default:
        return this.unknown(notes, `unknown type ${JSON.stringify(type)}`);
    }
  }

  private convertArray(schema: SchemaObject, nameHint: string, notes: string[]): string {
    if (Array.isArray(schema.prefixItems)) {
      const items = schema.prefixItems.map((item, index) => this.convert(item as JsonSchema, `${nameHint}Item${index + 1}`, notes));
      if (schema.items === false && schema.minItems === items.length) return `Tuple[${items.join(', ')}]`;
      return this.unknown(notes, 'a tuple with optional or extra items');
    }
    if (schema.items === undefined) return 'List[Any]';
    return `List[${this.convert(schema.items as JsonSchema, `${nameHint}Item`, notes)}]`;
  }

  private convertObject(schema: SchemaObject, nameHint: string, notes: string[]): string {
    if (isObject(schema.properties) && Object.keys(schema.properties).length > 0) {
      const name = this.module.reserveName(nameHint);
      // Hoisted: declared before the declaration that uses it (quoted, so the order does not matter anyway).
      this.declareNamed(name, { ...schema, nullable: undefined, type: 'object' });
      return pythonString(name);
    }
    const additional = schema.additionalProperties;
    if (additional !== undefined && additional !== true && additional !== false)
      return `Dict[str, ${this.convert(additional as JsonSchema, `${nameHint}Value`, notes)}]`;
    return 'Dict[str, Any]';
  }

  private reference(ref: string, notes: string[]): string {
    if (!ref.startsWith('#')) return this.unknown(notes, `$ref ${ref} is outside the schema`);
    if (ref === '#' || ref === '#/') return pythonString(this.rootName);
    const definition = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    if (!definition) return this.unknown(notes, `$ref ${ref} is not a definition`);
    const target = (this.root as SchemaObject)[definition[1]!];
    const schema = isObject(target)
      ? (target[decodeURIComponent(definition[2]!).replace(/~1/g, '/').replace(/~0/g, '~')] as JsonSchema | undefined)
      : undefined;
    if (schema === undefined) return this.unknown(notes, `$ref ${ref} points at nothing`);
    const known = this.definitionNames.get(ref);
    if (known) return pythonString(known);
    const name = this.module.reserveName(`${this.rootName}${pascalCase(definition[2]!)}`);
    this.definitionNames.set(ref, name);
    this.declareNamed(name, schema);
    return pythonString(name);
  }
}
