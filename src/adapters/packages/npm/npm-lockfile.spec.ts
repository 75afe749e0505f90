import { describe, expect, it } from 'vitest';
import { verifyLockfile } from './npm-lockfile.js';

const REGISTRY = 'https://registry.example/';
const ok = (name: string, extra: Record<string, unknown> = {}) => ({
  version: '1.0.0',
  resolved: `${REGISTRY}${name}/-/${name}-1.0.0.tgz`,
  integrity: 'sha512-abc',
  ...extra,
});

describe('verifyLockfile', () => {
  it('accepts registry tarballs with integrity, bundled packages, and lists those with install scripts', () => {
    const verdict = verifyLockfile(
      {
        lockfileVersion: 3,
        packages: {
          '': { name: 'fngraph-dependencies', dependencies: { a: '1.0.0' } },
          'node_modules/a': ok('a'),
          'node_modules/@scope/b': ok('@scope/b'),
          'node_modules/a/node_modules/bundled': { version: '2.0.0', inBundle: true },
          'node_modules/native': ok('native', { hasInstallScript: true }),
        },
      },
      REGISTRY,
    );
    expect(verdict).toEqual({ problems: [], needScripts: ['node_modules/native'] });
  });

  it.each([
    ['a tarball URL elsewhere', { resolved: 'http://127.0.0.1:9/x.tgz' }, 'x@1.0.0 comes from http://127.0.0.1:9/x.tgz, not from the configured registry'],
    ['a git URL', { resolved: 'git+ssh://git@github.com/a/x.git#abc' }, 'x@1.0.0 comes from git+ssh://git@github.com/a/x.git#abc'],
    ['a file', { resolved: 'file:../../etc' }, 'x@1.0.0 comes from file:../../etc'],
    ['a look-alike host', { resolved: 'https://registry.example.evil/x/-/x-1.0.0.tgz' }, 'comes from https://registry.example.evil/'],
    ['credentials in the URL', { resolved: 'https://user:pw@registry.example/x/-/x-1.0.0.tgz' }, 'not from the configured registry'],
    ['no resolved URL', { resolved: undefined }, 'x@1.0.0 comes from an unknown place'],
    ['no integrity', { integrity: undefined }, 'x@1.0.0 (https://registry.example/x/-/x-1.0.0.tgz) has no integrity hash'],
    ['a link', { link: true, resolved: '../../host/dir' }, 'x@1.0.0 is a link to ../../host/dir'],
  ])('refuses %s, naming the package and its URL', (_what, change, message) => {
    const verdict = verifyLockfile({ packages: { '': {}, 'node_modules/x': { ...ok('x'), ...change } } }, REGISTRY);
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0]).toContain(message);
  });

  it('refuses a lockfile without packages', () => {
    expect(verifyLockfile({ lockfileVersion: 1, dependencies: {} }, REGISTRY).problems).toEqual([expect.stringMatching(/no "packages"/)]);
  });
});
