import { describe, expect, it } from 'vitest';
import { isFunctionUrl, parseFunctionRoute } from './function-route.js';

describe('parseFunctionRoute', () => {
  it('reads /execute/<id> with an optional path and query', () => {
    expect(parseFunctionRoute('/execute/abc')).toEqual({ ref: { functionId: 'abc' }, version: undefined, path: '/', search: '' });
    expect(parseFunctionRoute('/execute/abc/x/y?a=1&b=2')).toEqual({ ref: { functionId: 'abc' }, version: undefined, path: '/x/y', search: 'a=1&b=2' });
  });

  it('reads /fn/<name>[@<version>], decoding segments', () => {
    expect(parseFunctionRoute('/fn/hello')).toMatchObject({ ref: { name: 'hello' }, version: undefined, path: '/' });
    expect(parseFunctionRoute('/fn/hello@1.2.3/a%20b/')).toMatchObject({ ref: { name: 'hello' }, version: '1.2.3', path: '/a b/' });
    expect(parseFunctionRoute('/fn/hello%401.0.0')).toMatchObject({ ref: { name: 'hello' }, version: '1.0.0' });
  });

  it('refuses URLs that name no function or do not decode', () => {
    expect(parseFunctionRoute('/fn/')).toBeNull();
    expect(parseFunctionRoute('/fn')).toBeNull();
    expect(parseFunctionRoute('/fn/@1.0.0')).toBeNull();
    expect(parseFunctionRoute('/fn/x@')).toBeNull();
    expect(parseFunctionRoute('/fn/%E0%A4%A')).toBeNull();
    expect(parseFunctionRoute('/fnord')).toBeNull();
  });

  it('tells function URLs from the others', () => {
    expect(isFunctionUrl('/fn/x')).toBe(true);
    expect(isFunctionUrl('/execute')).toBe(true);
    expect(isFunctionUrl('/functions/register')).toBe(false);
    expect(isFunctionUrl('/graphql')).toBe(false);
  });
});
