import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import { ContractValidators } from './contract-validators.js';
import type { VersionContract } from './contract.record.js';

const contract: VersionContract = {
  input: { type: 'object', properties: { width: { type: 'integer', minimum: 1 } }, required: ['width'] },
  query: { type: 'object', properties: { page: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } },
  output: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
  outputMode: 'flag',
};
const version = { id: 'v-1', contract };

function event(overrides: Partial<InvocationEvent> = {}): InvocationEvent {
  return { method: 'POST', path: '/', headers: {}, query: {}, body: '{"width": 200}', isBase64Encoded: false, ...overrides };
}

function refusal(run: () => void): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe(ContractValidators.name, () => {
  const validators = new ContractValidators();

  it('accepts a matching request, and anything for a version without a contract', () => {
    expect(() => validators.assertInput(version, event({ query: { page: '2', tags: 'a' } }))).not.toThrow();
    expect(() => validators.assertInput({ id: 'v-0', contract: null }, event({ body: 'not json' }))).not.toThrow();
  });

  it('refuses a body that does not match, naming each field', () => {
    const error = refusal(() => validators.assertInput(version, event({ body: '{"width": "wide", "x": 1}' })));
    expect(error.details).toEqual([{ field: 'body/width', message: 'must be integer' }]);
    expect(refusal(() => validators.assertInput(version, event({ body: '{}' }))).details).toEqual([
      { field: 'body/width', message: "must have required property 'width'" },
    ]);
  });

  it('refuses a body that is not JSON, base64 bodies decoded first', () => {
    expect(refusal(() => validators.assertInput(version, event({ body: 'width=2' }))).details).toEqual([
      { field: 'body', message: expect.stringContaining('JSON') },
    ]);
    expect(() => validators.assertInput(version, event({ body: Buffer.from('{"width":3}').toString('base64'), isBase64Encoded: true }))).not.toThrow();
  });

  it('checks a missing body as null, except for methods without one', () => {
    expect(refusal(() => validators.assertInput(version, event({ body: null }))).details).toEqual([{ field: 'body', message: 'must be object' }]);
    expect(() => validators.assertInput(version, event({ method: 'GET', body: null }))).not.toThrow();
  });

  it('coerces the query to the schema types on a copy, and refuses what does not coerce', () => {
    const query = { page: '2' };
    validators.assertInput(version, event({ query }));
    expect(query).toEqual({ page: '2' });
    expect(refusal(() => validators.assertInput(version, event({ query: { page: 'two' } }))).details).toEqual([
      { field: 'query/page', message: 'must be integer' },
    ]);
  });

  it('judges a plain result, a 2xx JSON response body, and leaves other statuses alone', () => {
    expect(validators.outputViolations(version, { url: 'https://x' })).toEqual([]);
    expect(validators.outputViolations(version, { size: 1 })).toEqual(["output/url: must have required property 'url'"]);
    expect(validators.outputViolations(version, { statusCode: 200, body: JSON.stringify({ url: 7 }) })).toEqual(['output/url: must be string']);
    expect(validators.outputViolations(version, { statusCode: 200, body: 'plain text' })).toEqual([expect.stringContaining('must be JSON')]);
    expect(validators.outputViolations(version, { statusCode: 500, body: 'oops' })).toEqual([]);
  });
});
