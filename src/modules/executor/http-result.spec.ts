import { describe, expect, it } from 'vitest';
import { asHttpResult, plainResult, statusCodeOf, toHttpResult } from './http-result.js';

describe('the result rules', () => {
  it('reads a statusCode given as a whole number or as a numeric string, and nothing else', () => {
    expect(statusCodeOf({ statusCode: 201 })).toBe(201);
    expect(statusCodeOf({ statusCode: '201' })).toBe(201);
    expect(statusCodeOf({ statusCode: ' 404 ' })).toBe(404);
    for (const statusCode of ['2O1', '20', 1000, 99, 201.5, null, true, '']) expect(statusCodeOf({ statusCode })).toBeNull();
    expect(statusCodeOf('201')).toBeNull();
    expect(statusCodeOf(null)).toBeNull();
  });

  it('merges headers, multiValueHeaders (which win) and cookies (each a Set-Cookie), with lower-case names', () => {
    const result = asHttpResult({
      statusCode: '202',
      headers: { 'Content-Type': 'text/plain', 'X-One': 'a', 'X-Many': 'ignored', 'X-Num': 3, 'X-Null': null },
      multiValueHeaders: { 'X-Many': ['b', 'c'], 'Set-Cookie': ['a=1'] },
      cookies: ['b=2', 'c=3'],
      body: 'ok',
    });
    expect(result).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'text/plain', 'x-one': 'a', 'x-many': ['b', 'c'], 'x-num': '3', 'set-cookie': ['a=1', 'b=2', 'c=3'] },
      body: 'ok',
      isBase64Encoded: false,
    });
  });

  it('keeps base64 bodies as such, sends other bodies as JSON, and no body as none', () => {
    expect(asHttpResult({ statusCode: 200, body: 'AAEC', isBase64Encoded: true })).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
    expect(asHttpResult({ statusCode: 200, body: { a: 1 } })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    expect(asHttpResult({ statusCode: 200, headers: { 'content-type': 'application/vnd.x+json' }, body: [1] })?.headers['content-type']).toBe(
      'application/vnd.x+json',
    );
    expect(asHttpResult({ statusCode: 204, body: null, isBase64Encoded: true })).toEqual({ statusCode: 204, headers: {}, body: null, isBase64Encoded: false });
  });

  it('sends a string as text, never JSON-quoted, and anything else as JSON', () => {
    expect(plainResult('hello')).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'hello', isBase64Encoded: false });
    expect(plainResult({ statusCode: 'nope' }).body).toBe('{"statusCode":"nope"}');
    expect(plainResult(undefined).body).toBe('null');
    expect(toHttpResult(42)).toMatchObject({ statusCode: 200, body: '42' });
    expect(toHttpResult({ statusCode: '418', body: 'teapot' })).toMatchObject({ statusCode: 418, body: 'teapot' });
  });
});
