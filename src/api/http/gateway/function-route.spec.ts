import { describe, expect, it } from 'vitest';
import { isFunctionUrl, parseFunctionRoute } from './function-route.js';

describe('parseFunctionRoute', () => {
  it('reads /execute/<id> with an optional path and query', () => {
    const latest = { version: undefined, alias: undefined, followDefaultAlias: false };
    expect(parseFunctionRoute('/execute/abc')).toEqual({ ref: { functionId: 'abc' }, ...latest, path: '/', search: '' });
    expect(parseFunctionRoute('/execute/abc/x/y?a=1&b=2')).toEqual({ ref: { functionId: 'abc' }, ...latest, path: '/x/y', search: 'a=1&b=2' });
  });

  it('reads /fn/<name>[@<version>], decoding segments', () => {
    expect(parseFunctionRoute('/fn/hello')).toMatchObject({ ref: { name: 'hello' }, version: undefined, path: '/' });
    expect(parseFunctionRoute('/fn/hello@1.2.3/a%20b/')).toMatchObject({ ref: { name: 'hello' }, version: '1.2.3', path: '/a b/' });
    expect(parseFunctionRoute('/fn/hello%401.0.0')).toMatchObject({ ref: { name: 'hello' }, version: '1.0.0' });
  });

  it('reads a semver target as a version, `latest` as the latest, anything else as an alias', () => {
    expect(parseFunctionRoute('/fn/hello')).toMatchObject({ version: undefined, alias: undefined, followDefaultAlias: true });
    expect(parseFunctionRoute('/fn/hello@2.0.0-rc.1')).toMatchObject({ version: '2.0.0-rc.1', alias: undefined, followDefaultAlias: false });
    expect(parseFunctionRoute('/fn/hello@prod/x')).toMatchObject({ version: undefined, alias: 'prod', followDefaultAlias: false, path: '/x' });
    expect(parseFunctionRoute('/fn/hello@latest')).toMatchObject({ version: undefined, alias: undefined, followDefaultAlias: false });
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
