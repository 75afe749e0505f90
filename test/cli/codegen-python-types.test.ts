import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PythonSchemaConverter, snakeCase } from '../../cli/src/codegen/json-schema-to-python.js';
import type { JsonSchema } from '../../cli/src/codegen/json-schema-to-typescript.js';
import { pythonClientModule } from '../../cli/src/codegen/python-client-module.js';

// The JSON Schema → Python hints converter of `fngraph codegen --python`, one construct at a
// time, then the generated module imported by Python with every hint resolved.
const SDK_PYTHON = new URL('../../sdk/python', import.meta.url).pathname;

function declarations(schema: JsonSchema): string {
  const converter = new PythonSchemaConverter();
  converter.declare(converter.reserveName('T'), schema);
  return converter.all.map((declaration) => declaration.text).join('\n');
}

describe('JSON Schema to Python hints', () => {
  it('maps primitives, several types, enum/const, oneOf and nullable', () => {
    expect(declarations({ type: 'string' })).toBe('T = str\n');
    expect(declarations({ type: ['integer', 'null'] })).toBe('T = Optional[int]\n');
    expect(declarations({ type: 'number', nullable: true })).toBe('T = Optional[float]\n');
    expect(declarations({ enum: ['a', 1, true, null] })).toBe('T = Optional[Literal["a", 1, True]]\n');
    expect(declarations({ const: 'x' })).toBe('T = Literal["x"]\n');
    expect(declarations({ oneOf: [{ type: 'string' }, { type: 'boolean' }] })).toBe('T = Union[str, bool]\n');
  });

  it('maps objects to TypedDicts (NotRequired, docstrings, hoisted nested objects), and dicts', () => {
    expect(
      declarations({
        type: 'object',
        description: 'The request.',
        required: ['width'],
        properties: { width: { type: 'integer', description: 'Pixels' }, size: { type: 'object', properties: { unit: { type: 'string' } } } },
      }),
    ).toBe(
      'class TSize(TypedDict):\n    unit: NotRequired[str]\n\nclass T(TypedDict):\n    """The request."""\n\n    size: NotRequired["TSize"]\n    width: int\n    """Pixels"""\n',
    );
    expect(declarations({ type: 'object', additionalProperties: { type: 'integer' } })).toBe('T = Dict[str, int]\n');
    expect(declarations({ type: 'object', properties: { 'max-height': { type: 'integer' } }, required: ['max-height'] })).toBe(
      'T = TypedDict("T", {\n    "max-height": int,\n})\n',
    );
  });

  it('maps arrays and closed tuples; $defs become named (recursive) types', () => {
    expect(declarations({ type: 'array', items: { type: 'string' } })).toBe('T = List[str]\n');
    expect(declarations({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 2, items: false })).toBe('T = Tuple[str, float]\n');
    expect(
      declarations({
        type: 'object',
        properties: { root: { $ref: '#/$defs/node' } },
        $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
      }),
    ).toBe('class TNode(TypedDict):\n    next: NotRequired["TNode"]\n\nclass T(TypedDict):\n    root: NotRequired["TNode"]\n');
  });

  it('turns what it does not convert into Any with a comment', () => {
    expect(declarations({ type: 'string', not: { const: '' } })).toBe('# Any (not converted: not)\nT = Any\n');
    expect(declarations({ type: 'object', properties: { w: { allOf: [{ type: 'string' }] } } })).toBe(
      '# w: Any (not converted: allOf)\nclass T(TypedDict):\n    w: NotRequired[Any]\n',
    );
    expect(declarations({ type: 'array', prefixItems: [{ type: 'string' }] })).toBe('# Any (a tuple with optional or extra items)\nT = Any\n');
  });

  it('names methods in snake_case, never a keyword', () => {
    expect(snakeCase('resize-image')).toBe('resize_image');
    expect(snakeCase('class')).toBe('class_');
    expect(snakeCase('2fa')).toBe('_2fa');
  });

  it('writes a module Python imports, with every hint resolvable', () => {
    const module = pythonClientModule(
      [
        {
          name: 'resize-image',
          version: '1.0.0',
          description: 'Resizes """quoted""" images.',
          contract: {
            input: {
              type: 'object',
              required: ['width'],
              properties: { width: { type: 'integer' }, mode: { $ref: '#/$defs/mode' }, tree: { $ref: '#/$defs/node' } },
              $defs: {
                mode: { enum: ['fast', 'best'] },
                node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } },
              },
            },
            query: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
            output: { type: 'object', properties: { 'max-height': { type: 'integer' } } },
          },
        },
        { name: 'hello', version: '1.0.0', contract: null },
        { name: 'hello_', version: '1.0.0', contract: null },
      ],
      { serverUrl: 'http://127.0.0.1:8080', command: 'fngraph codegen --python' },
    );
    expect(module).toContain('    def resize_image(\n        self,\n        input: ResizeImageInput,\n        *,\n        query: ResizeImageQuery,\n');
    const dir = mkdtempSync(join(tmpdir(), 'fngraph-codegen-py-'));
    try {
      writeFileSync(join(dir, 'fns.py'), module);
      const script = `
import inspect, typing, fns
names = [n for n, v in vars(fns).items() if isinstance(v, type) and issubclass(v, dict) and v is not dict]
for name in names: typing.get_type_hints(getattr(fns, name))
methods = sorted(n for n in vars(fns.Functions) if not n.startswith('_'))
for name in methods: typing.get_type_hints(getattr(fns.Functions, name))
print(sorted(names), methods, typing.get_type_hints(fns.Functions.resize_image)['return'].__name__)
`;
      const run = spawnSync('python3', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: `${dir}:${SDK_PYTHON}` } });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe(
        "['ResizeImageInput', 'ResizeImageInputNode', 'ResizeImageOutput', 'ResizeImageQuery'] ['hello', 'hello_2', 'resize_image'] ResizeImageOutput",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
