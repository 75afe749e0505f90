import { describe, expect, it } from 'vitest';
import { BreakingChangeError } from '@/kernel/errors/domain-error.js';
import { assertCompatible } from './compatibility.js';
import { breakingChanges, contractChanges } from './contract-changes.js';
import type { JsonSchema, VersionContract } from './contract.record.js';

const input = (schema: JsonSchema): VersionContract => ({ input: schema, outputMode: 'flag' });
const output = (schema: JsonSchema): VersionContract => ({ output: schema, outputMode: 'flag' });
const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', properties, required });

describe('breakingChanges', () => {
  it('finds nothing between equal contracts, and only descriptions changed', () => {
    const schema = object({ width: { type: 'integer', minimum: 1 } }, ['width']);
    expect(breakingChanges(input(schema), input(schema))).toEqual([]);
    expect(contractChanges(input(schema), input({ ...schema, description: 'resized' }))).toEqual([]);
  });

  it('a removed input property breaks', () => {
    const changes = breakingChanges(input(object({ width: { type: 'integer' }, height: { type: 'integer' } })), input(object({ width: { type: 'integer' } })));
    expect(changes).toEqual([expect.objectContaining({ path: 'input/height', kind: 'PROPERTY_REMOVED', breaking: true })]);
  });

  it('a newly required input field breaks; one no longer required does not', () => {
    const before = input(object({ width: { type: 'integer' }, height: { type: 'integer' } }, ['width']));
    const after = input(object({ width: { type: 'integer' }, height: { type: 'integer' } }, ['height']));
    expect(breakingChanges(before, after)).toEqual([expect.objectContaining({ path: 'input/height', kind: 'REQUIRED_ADDED' })]);
    expect(contractChanges(before, after)).toContainEqual(expect.objectContaining({ path: 'input/width', kind: 'REQUIRED_REMOVED', breaking: false }));
  });

  it('a narrowed input type breaks (type set shrunk, number to integer, any to a type); a widened one does not', () => {
    expect(breakingChanges(input({ type: ['string', 'number'] }), input({ type: 'string' }))).toEqual([
      expect.objectContaining({ path: 'input', kind: 'TYPE_NARROWED' }),
    ]);
    expect(breakingChanges(input({ type: 'number' }), input({ type: 'integer' }))).toHaveLength(1);
    expect(breakingChanges(input({}), input({ type: 'object' }))).toHaveLength(1);
    expect(breakingChanges(input({ type: 'integer' }), input({ type: 'number' }))).toEqual([]);
    expect(breakingChanges(input({ type: 'string' }), input({ type: ['string', 'null'] }))).toEqual([]);
  });

  it('removed enum values break an input; added ones do not', () => {
    const before = input(object({ fit: { enum: ['cover', 'contain', 'fill'] } }));
    expect(breakingChanges(before, input(object({ fit: { enum: ['cover', 'contain'] } })))).toEqual([
      expect.objectContaining({ path: 'input/fit', kind: 'ENUM_VALUES_REMOVED', message: 'enum values removed: "fill"' }),
    ]);
    expect(breakingChanges(before, input(object({ fit: { enum: ['cover', 'contain', 'fill', 'inside'] } })))).toEqual([]);
  });

  it('tighter bounds break an input (minimum up, maximum and maxLength down, a new bound); looser ones do not', () => {
    const before = input(object({ width: { type: 'integer', minimum: 1, maximum: 4096 }, name: { type: 'string', maxLength: 100 } }));
    const tighter = input(object({ width: { type: 'integer', minimum: 10, maximum: 2048 }, name: { type: 'string', maxLength: 50, minLength: 1 } }));
    expect(
      breakingChanges(before, tighter)
        .map((change) => `${change.path} ${change.message}`)
        .sort(),
    ).toEqual([
      'input/name maxLength 100 → 50 (tighter)',
      'input/name minLength none → 1 (tighter)',
      'input/width maximum 4096 → 2048 (tighter)',
      'input/width minimum 1 → 10 (tighter)',
    ]);
    expect(breakingChanges(tighter, before)).toEqual([]);
  });

  it('nested properties and array items are compared too', () => {
    const before = input(object({ sizes: { type: 'array', items: object({ width: { type: 'integer' } }) } }));
    const after = input(object({ sizes: { type: 'array', items: object({ width: { type: 'string' } }) } }));
    expect(breakingChanges(before, after)).toEqual([expect.objectContaining({ path: 'input/sizes/[]/width', kind: 'TYPE_NARROWED' })]);
  });

  it('the query schema follows the input rules', () => {
    const before: VersionContract = { query: object({ page: { type: 'integer' } }), outputMode: 'flag' };
    const after: VersionContract = { query: object({ page: { type: 'integer' } }, ['page']), outputMode: 'flag' };
    expect(breakingChanges(before, after)).toEqual([expect.objectContaining({ path: 'query/page', kind: 'REQUIRED_ADDED' })]);
  });

  it('a removed output property breaks, and one no longer required; an added one does not', () => {
    const before = output(object({ url: { type: 'string' }, size: { type: 'integer' } }, ['url', 'size']));
    expect(breakingChanges(before, output(object({ url: { type: 'string' } }, ['url'])))).toEqual([
      expect.objectContaining({ path: 'output/size', kind: 'PROPERTY_REMOVED', breaking: true }),
    ]);
    expect(breakingChanges(before, output(object({ url: { type: 'string' }, size: { type: 'integer' } }, ['url'])))).toEqual([
      expect.objectContaining({ path: 'output/size', kind: 'REQUIRED_REMOVED' }),
    ]);
    expect(breakingChanges(before, output(object({ url: { type: 'string' }, size: { type: 'integer' }, etag: { type: 'string' } }, ['url', 'size'])))).toEqual(
      [],
    );
  });

  it('an output whose type set grows breaks; a tighter output does not', () => {
    expect(breakingChanges(output({ type: 'string' }), output({ type: ['string', 'null'] }))).toEqual([
      expect.objectContaining({ path: 'output', kind: 'TYPE_WIDENED' }),
    ]);
    expect(breakingChanges(output({ type: 'number' }), output({ type: 'integer', minimum: 0 }))).toEqual([]);
  });

  it('declaring a schema breaks nothing; dropping the output schema does, dropping an input schema does not', () => {
    expect(breakingChanges(null, { ...input(object({})), ...output(object({})) })).toEqual([]);
    expect(breakingChanges(output(object({})), null)).toEqual([expect.objectContaining({ path: 'output', kind: 'SCHEMA_REMOVED' })]);
    expect(breakingChanges(input(object({})), null)).toEqual([]);
  });

  it('additional properties no longer allowed breaks an input', () => {
    expect(breakingChanges(input(object({})), input({ ...object({}), additionalProperties: false }))).toEqual([
      expect.objectContaining({ kind: 'ADDITIONAL_PROPERTIES_CLOSED' }),
    ]);
  });
});

describe('assertCompatible', () => {
  const before = { version: '1.4.0', contract: input(object({ width: { type: 'integer' }, height: { type: 'integer' } })) };
  const breaking = input(object({ width: { type: 'integer' } }, ['width']));

  it('refuses a breaking contract without a major bump, with every reason', () => {
    let thrown: unknown;
    try {
      assertCompatible(before, { version: '1.5.0', contract: breaking }, false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BreakingChangeError);
    expect((thrown as BreakingChangeError).code).toBe('BREAKING_CHANGE');
    expect((thrown as BreakingChangeError).details).toEqual([
      { field: 'contract.input/height', message: 'input property height removed' },
      { field: 'contract.input/width', message: 'width is now required' },
    ]);
  });

  it('lets it through with a major bump (nothing to audit) or the override (the reasons to audit)', () => {
    expect(assertCompatible(before, { version: '2.0.0', contract: breaking }, false)).toEqual([]);
    expect(assertCompatible(before, { version: '1.5.0', contract: breaking }, true)).toHaveLength(2);
  });
});
