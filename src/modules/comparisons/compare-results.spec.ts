import { describe, expect, it } from 'vitest';
import { compareResults, type ObservedResult } from './compare-results.js';
import { headerDifferences } from './comparable-headers.js';
import { jsonDifferences } from './json-differences.js';

function ok(response: unknown, overrides: Partial<ObservedResult> = {}): ObservedResult {
  return { status: 'SUCCEEDED', errorType: null, response, responseKept: true, durationMs: 3, ...overrides };
}

function failed(errorType: string): ObservedResult {
  return { status: 'FAILED', errorType, response: null, responseKept: true, durationMs: 3 };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('jsonDifferences', () => {
  it('ignores key order and names each differing, missing or extra path', () => {
    expect(jsonDifferences({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
    expect(jsonDifferences({ a: 1, b: { c: [1, 2] }, gone: true }, { a: 2, b: { c: [1, 2, 3] }, 'odd key': null })).toEqual([
      '$.a',
      '$.b.c[2]',
      '$.gone',
      '$["odd key"]',
    ]);
    expect(jsonDifferences([1], { 0: 1 })).toEqual(['$']);
    expect(jsonDifferences(null, 0)).toEqual(['$']);
  });

  it('stops at the limit', () => {
    const before = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, -i - 1]));
    expect(jsonDifferences(before, after, 5)).toEqual(['$.k0', '$.k1', '$.k2', '$.k3', '$.k4']);
  });
});

describe('headerDifferences', () => {
  it('leaves out volatile headers and compares the rest by lower-case name', () => {
    const before = { Date: 'Mon', 'x-fngraph-invocation-id': 'a', traceparent: 'x', 'content-length': '10', 'Cache-Control': 'no-store', vary: 'a' };
    const after = { date: 'Tue', 'x-fngraph-invocation-id': 'b', 'content-length': '11', 'cache-control': 'no-store', 'x-new': '1' };
    expect(headerDifferences(before, after)).toEqual([
      { name: 'vary', before: 'a', after: null },
      { name: 'x-new', before: null, after: '1' },
    ]);
  });
});

describe('compareResults', () => {
  it('finds two equal JSON results identical whatever their key order and volatile headers', () => {
    const comparison = compareResults(
      ok(json({ a: 1, b: [true] }, { date: 'Mon, 01 Jan 2030', 'x-request-id': '1' })),
      ok({ statusCode: 200, headers: { 'content-type': 'application/json', date: 'Tue' }, body: '{ "b": [true], "a": 1 }' }, { durationMs: 40 }),
    );
    expect(comparison).toMatchObject({ outcome: 'IDENTICAL', differences: [], body: { equal: true, format: 'json' }, durationMs: { before: 3, after: 40 } });
  });

  it('names the JSON field that changed, and plain results compare as the JSON they are sent as', () => {
    const comparison = compareResults(ok({ price: 10, currency: 'EUR' }), ok({ price: 12, currency: 'EUR' }));
    expect(comparison.outcome).toBe('DIFFERENT');
    expect(comparison.differences).toEqual(['BODY']);
    expect(comparison.body).toEqual({ equal: false, format: 'json', paths: ['$.price'], note: null });
    expect(comparison.excerpts).toEqual({ before: '{"price":10,"currency":"EUR"}', after: '{"price":12,"currency":"EUR"}' });
  });

  it('compares text byte for byte and binary by hash', () => {
    expect(compareResults(ok('hello'), ok('hello ')).body).toMatchObject({ equal: false, format: 'text' });
    const bytes = (text: string) => ({ statusCode: 200, headers: {}, body: Buffer.from(text).toString('base64'), isBase64Encoded: true });
    expect(compareResults(ok(bytes('\x00\x01')), ok(bytes('\x00\x01'))).body).toMatchObject({ equal: true, format: 'binary' });
    expect(compareResults(ok(bytes('\x00\x01')), ok(bytes('\x00\x02'))).body).toMatchObject({ equal: false, format: 'binary' });
  });

  it('reports status codes and headers apart from bodies', () => {
    const comparison = compareResults(
      ok({ statusCode: 200, headers: { 'x-shape': 'round' }, body: 'x' }),
      ok({ statusCode: 201, headers: { 'x-shape': 'square' }, body: 'x' }),
    );
    expect(comparison.differences).toEqual(['STATUS_CODE', 'HEADERS']);
    expect(comparison.statusCode).toEqual({ before: 200, after: 201 });
    expect(comparison.headers).toEqual([{ name: 'x-shape', before: 'round', after: 'square' }]);
  });

  it('compares failures by status and error type only', () => {
    expect(compareResults(failed('FunctionError'), failed('FunctionError'))).toMatchObject({ outcome: 'IDENTICAL', differences: [] });
    expect(compareResults(failed('FunctionError'), failed('Timeout')).differences).toEqual(['STATUS']);
    const thrown = compareResults(ok({ fine: true }), failed('FunctionError'));
    expect(thrown).toMatchObject({
      outcome: 'DIFFERENT',
      differences: ['STATUS'],
      status: { before: 'SUCCEEDED', after: 'FAILED' },
      statusCode: { before: null, after: null },
    });
  });

  it('never calls identical what it could not see: a body not kept whole is a BODY difference', () => {
    const comparison = compareResults(ok(null, { responseKept: false }), ok({ big: true }));
    expect(comparison.outcome).toBe('DIFFERENT');
    expect(comparison.body.equal).toBeNull();
    expect(comparison.body.note).toMatch(/original's response was too large/);
  });
});
