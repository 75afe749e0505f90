import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { clientModule } from '../../cli/src/codegen/client-module.js';
import { type JsonSchema, SchemaConverter, camelCase, pascalCase, renderDeclaration } from '../../cli/src/codegen/json-schema-to-typescript.js';

// The JSON Schema → TypeScript converter of `fngraph codegen`, one construct at a time (no
// server needed), then the generated module checked by the TypeScript compiler itself.

/** Every declaration made for `schema` declared as `T`, rendered. */
function declarations(schema: JsonSchema): string {
  const converter = new SchemaConverter();
  converter.declare(converter.reserveName('T'), schema);
  return converter.all.map(renderDeclaration).join('\n');
}

/** The type of `schema` alone (the right-hand side of `export type T = …;`). */
function typeOf(schema: JsonSchema): string {
  const converter = new SchemaConverter();
  converter.declare('T', schema);
  return converter.all[0]!.type;
}

describe('JSON Schema to TypeScript', () => {
  it('maps the primitive types, and several types to a union', () => {
    expect(typeOf({ type: 'string', minLength: 2, format: 'email' })).toBe('string');
    expect(typeOf({ type: 'integer', minimum: 1 })).toBe('number');
    expect(typeOf({ type: 'number' })).toBe('number');
    expect(typeOf({ type: 'boolean' })).toBe('boolean');
    expect(typeOf({ type: 'null' })).toBe('null');
    expect(typeOf({ type: ['string', 'integer', 'null'] })).toBe('string | number | null');
  });

  it('maps objects: required and optional properties (sorted), quoted keys, nesting', () => {
    expect(
      typeOf({
        type: 'object',
        required: ['width', 'size'],
        properties: { width: { type: 'integer' }, 'max-height': { type: 'integer' }, size: { type: 'object', properties: { unit: { type: 'string' } } } },
      }),
    ).toBe('{\n  "max-height"?: number;\n  size: {\n    unit?: string;\n  };\n  width: number;\n}');
    // A required name without a property schema must still be there.
    expect(typeOf({ type: 'object', required: ['id'] })).toBe('{\n  id: unknown;\n}');
    // Objects are recognised by their keywords when `type` is missing.
    expect(typeOf({ properties: { a: { type: 'string' } } })).toBe('{\n  a?: string;\n}');
  });

  it('maps additionalProperties and patternProperties to an index signature that admits the named properties', () => {
    expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('{\n  [key: string]: string;\n}');
    expect(typeOf({ type: 'object', properties: { n: { type: 'number' } }, additionalProperties: { type: 'string' } })).toBe(
      '{\n  n?: number;\n  [key: string]: string | number | undefined;\n}',
    );
    expect(typeOf({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: true })).toBe(
      '{\n  n: number;\n  [key: string]: unknown;\n}',
    );
    expect(typeOf({ type: 'object', patternProperties: { '^x-': { type: 'boolean' } } })).toBe('{\n  [key: string]: boolean;\n}');
    expect(typeOf({ type: 'object', additionalProperties: false })).toBe('Record<string, never>');
    // Any object, but an object: not `{}`, which a string would satisfy.
    expect(typeOf({ type: 'object' })).toBe('Record<string, unknown>');
    // Nothing said about extra keys: none in the type, so a misspelt field fails to compile.
    expect(typeOf({ type: 'object', properties: { a: { type: 'string' } } })).not.toContain('[key: string]');
  });

  it('maps arrays, tuples (prefixItems) and arrays of unions', () => {
    expect(typeOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(typeOf({ type: 'array', items: { type: 'array', items: { type: 'number' } } })).toBe('number[][]');
    expect(typeOf({ type: 'array' })).toBe('unknown[]');
    expect(typeOf({ type: 'array', items: { enum: ['a', 'b'] } })).toBe('("a" | "b")[]');
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 1, items: false })).toBe('[string, number?]');
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }], minItems: 1, items: { type: 'boolean' } })).toBe('[string, ...boolean[]]');
    // A union inside an object needs no parentheses; a union of an object does.
    expect(typeOf({ type: 'array', items: { type: 'object', properties: { a: { type: ['string', 'null'] } } } })).toBe('{\n  a?: string | null;\n}[]');
    expect(typeOf({ type: 'array', items: { type: 'object', nullable: true, properties: { a: { type: 'string' } } } })).toBe('({\n  a?: string;\n} | null)[]');
  });

  it('maps enum and const to unions of literals', () => {
    expect(typeOf({ enum: ['cover', 'contain', 1, true, null] })).toBe('"cover" | "contain" | 1 | true | null');
    expect(typeOf({ type: 'string', enum: ['a'] })).toBe('"a"');
    expect(typeOf({ const: 'circle' })).toBe('"circle"');
    expect(typeOf({ enum: [{ a: 1 }] })).toBe('unknown /* enum with values that are not primitives */');
  });

  it('maps oneOf and anyOf to unions, allOf to an intersection', () => {
    expect(typeOf({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('string | number');
    expect(typeOf({ anyOf: [{ const: 'a' }, { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] }] })).toBe('"a" | {\n  b: number;\n}');
    expect(
      typeOf({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } } },
          { type: 'object', properties: { b: { type: 'string' } } },
        ],
      }),
    ).toBe('{\n  a?: string;\n} & {\n  b?: string;\n}');
  });

  it('maps nullable (OpenAPI) and null in type to `| null`', () => {
    expect(typeOf({ type: 'string', nullable: true })).toBe('string | null');
    expect(typeOf({ type: ['object', 'null'], properties: { a: { type: 'string' } } })).toBe('{\n  a?: string;\n} | null');
  });

  it('declares $defs and definitions as named types (recursive ones too), and follows other local pointers', () => {
    expect(
      declarations({
        type: 'object',
        properties: { root: { $ref: '#/$defs/node' }, legacy: { $ref: '#/definitions/old-thing' }, again: { $ref: '#/properties/root' }, self: { $ref: '#' } },
        $defs: { node: { type: 'object', description: 'A tree node', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
        definitions: { 'old-thing': { type: 'string' } },
      }),
    ).toBe(
      [
        'export type T = {\n  again?: TNode;\n  legacy?: TOldThing;\n  root?: TNode;\n  self?: T;\n};\n',
        '/** A tree node */\nexport type TNode = {\n  children?: TNode[];\n};\n',
        'export type TOldThing = string;\n',
      ].join('\n'),
    );
    expect(typeOf({ $ref: 'https://example.com/other.json' })).toBe('unknown /* $ref https://example.com/other.json is outside the schema */');
    expect(typeOf({ $ref: '#/$defs/missing' })).toBe('unknown /* $ref #/$defs/missing points at nothing */');
  });

  it('writes JSDoc from description (or title), format, default and deprecated, and keeps */ from ending it', () => {
    expect(
      declarations({
        type: 'object',
        description: 'The request.\nTwo lines.',
        properties: {
          width: { type: 'integer', description: 'Pixels', default: 100 },
          mail: { type: 'string', title: 'Mail', format: 'email', deprecated: true },
          odd: { type: 'string', description: 'ends */ early' },
        },
      }),
    ).toBe(
      '/**\n * The request.\n * Two lines.\n */\nexport type T = {\n  /**\n   * Mail\n   * @format email\n   * @deprecated\n   */\n  mail?: string;\n  /** ends *\\/ early */\n  odd?: string;\n  /**\n   * Pixels\n   * @default 100\n   */\n  width?: number;\n};\n',
    );
  });

  it('turns what it does not convert into unknown with a comment, and boolean schemas into unknown/never', () => {
    expect(typeOf({ type: 'string', not: { const: '' } })).toBe('unknown /* not converted: not */');
    expect(typeOf({ if: { type: 'string' }, then: { minLength: 1 } })).toBe('unknown /* not converted: if, then */');
    expect(typeOf({ type: 'date' })).toBe('unknown /* unknown type "date" */');
    expect(typeOf({})).toBe('unknown');
    expect(typeOf(true)).toBe('unknown');
    expect(typeOf(false)).toBe('never');
    // Extension keywords are ignored, not a reason for unknown.
    expect(typeOf({ type: 'string', 'x-order': 3 })).toBe('string');
  });

  it('names methods in camelCase and types in PascalCase', () => {
    expect(camelCase('resize-image')).toBe('resizeImage');
    expect(camelCase('make_pdf_v2')).toBe('makePdfV2');
    expect(camelCase('2fa-check')).toBe('_2faCheck');
    expect(pascalCase('resize-image')).toBe('ResizeImage');
    expect(pascalCase('2fa-check')).toBe('T2faCheck');
  });
});

describe('generated client module', () => {
  const functions = [
    {
      name: 'resize-image',
      version: '1.2.0',
      description: 'Resizes an image.',
      contract: {
        input: {
          type: 'object',
          required: ['width'],
          properties: { width: { type: 'integer', description: 'Pixels' }, fit: { enum: ['cover', 'contain'] }, mode: { $ref: '#/$defs/mode' } },
          $defs: { mode: { enum: ['fast', 'best'] } },
        },
        query: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
        output: { type: 'object', required: ['width', 'height'], properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
      },
    },
    { name: 'hello', version: '1.0.0', contract: null },
    { name: 'echo', version: '2.0.0', contract: { input: null, query: null, output: { type: 'string' } } },
    { name: 'a-b', version: '1.0.0', contract: null },
    { name: 'a_b', version: '1.0.0', contract: null },
  ];
  const options = { serverUrl: 'http://127.0.0.1:8080', command: 'fngraph codegen' };

  it('is deterministic: the same functions in any order give the same text, with a header naming them', () => {
    const text = clientModule(functions, options);
    expect(clientModule([...functions].reverse(), options)).toBe(text);
    expect(text.split('\n').slice(0, 9).join('\n')).toBe(
      [
        '// Generated by `fngraph codegen` from http://127.0.0.1:8080: do not edit, run it again instead.',
        "// Types come from the JSON Schemas each function's latest version declares (its contract);",
        '// functions without one are untyped. Function (version):',
        '//   a-b (1.0.0)',
        '//   a_b (1.0.0)',
        '//   echo (2.0.0)',
        '//   hello (1.0.0)',
        '//   resize-image (1.2.0)',
        '',
      ].join('\n'),
    );
    expect(text).toContain(
      "  resizeImage(input: ResizeImageInput, options: Omit<FunctionCallOptions, 'query'> & { query: ResizeImageQuery }): Promise<ResizeImageOutput>;",
    );
    expect(text).toContain('  hello(input?: unknown, options?: FunctionCallOptions): Promise<unknown>;');
    expect(text).toContain('  echo(input?: unknown, options?: FunctionCallOptions): Promise<EchoOutput>;');
    // Names that meet in camelCase: the second keeps its own.
    expect(text).toContain('  aB(input?: unknown');
    expect(text).toContain('  a_b(input?: unknown');
    expect(text).toContain('export type ResizeImageInputMode = "fast" | "best";');
  });

  it('type-checks: right calls compile with typed answers, a wrong field or type does not', () => {
    const module = clientModule(functions, options);
    const program = `
      import { createFunctions } from './functions.js';
      const { invoke } = createFunctions({ url: 'http://127.0.0.1:8080', credential: 'fng_x' });
      export async function run() {
        const size = await invoke.resizeImage({ width: 200, fit: 'cover', mode: 'best' }, { query: { token: 't' }, target: 'prod' });
        const sum: number = size.width + size.height;
        const text: string = await invoke.echo('anything');
        await invoke.hello();
        await invoke['a_b']({ any: 1 });
        await invoke.resizeImage({ width: 200, hieght: 100 }, { query: { token: 't' } });
        await invoke.resizeImage({ width: '200' }, { query: { token: 't' } });
        await invoke.resizeImage({ width: 1, fit: 'stretch' }, { query: { token: 't' } });
        await invoke.resizeImage({ width: 1 });
        return [sum, text];
      }
    `;
    const errors = typeErrors({ 'functions.ts': module, 'main.ts': program });
    expect(errors).toEqual([
      expect.stringMatching(/^main\.ts:10 .*'hieght' does not exist in type 'ResizeImageInput'/),
      expect.stringMatching(/^main\.ts:11 Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^main\.ts:12 Type '"stretch"' is not assignable to type '"cover" \| "contain"/),
      expect.stringMatching(/^main\.ts:13 Expected 2 arguments, but got 1/),
    ]);
  });
});

/** The compiler's errors (`file:line message`) for in-memory files importing the SDK from this repository. */
function typeErrors(files: Record<string, string>): string[] {
  const root = '/virtual/';
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    baseUrl: root,
    paths: { '@fngraph/sdk': [new URL('../../sdk/typescript/client.ts', import.meta.url).pathname] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const virtual = (path: string) => (path.startsWith(root) ? files[path.slice(root.length)] : undefined);
  host.readFile = (path) => virtual(path) ?? readFile(path);
  host.fileExists = (path) => virtual(path) !== undefined || fileExists(path);
  host.directoryExists = (path) => path === root.slice(0, -1) || ts.sys.directoryExists(path);
  host.getSourceFile = (path, language) => {
    const text = host.readFile(path);
    return text === undefined ? undefined : ts.createSourceFile(path, text, language);
  };
  const program = ts.createProgram(
    Object.keys(files).map((name) => root + name),
    options,
    host,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName.startsWith(root))
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${diagnostic.file!.fileName.slice(root.length)}:${line + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
}
