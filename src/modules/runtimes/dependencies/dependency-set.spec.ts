import { describe, expect, it } from 'vitest';
import { dependencySet, hasDependencies, npmManifest, packageManagerFor, pipRequirements } from './dependency-set.js';

describe('dependencySet', () => {
  it('hashes the same set the same way whatever the order', () => {
    const a = dependencySet('nodejs20', { 'is-number': '^7.0.0', 'left-pad': '1.3.0' });
    const b = dependencySet('nodejs20', { 'left-pad': '1.3.0', 'is-number': '^7.0.0' });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(a.entries).toEqual([
      ['is-number', '^7.0.0'],
      ['left-pad', '1.3.0'],
    ]);
  });

  it('sees through spellings that install the same thing', () => {
    const npm = (spec: string) => dependencySet('nodejs20', { lodash: spec }).hash;
    expect(npm('  ^4.17.21 ')).toBe(npm('^4.17.21'));
    expect(npm('')).toBe(npm('*'));
    expect(npm('1.2  -  2.3')).toBe(npm('1.2 - 2.3'));

    const pip = (deps: Record<string, string>) => dependencySet('python3.11', deps).hash;
    expect(pip({ Python_Dateutil: '>= 2.8 , <3' })).toBe(pip({ 'python-dateutil': '>=2.8,<3' }));
    expect(pip({ 'zope.interface': '' })).toBe(pip({ 'zope-interface': '*' }));
    expect(pip({ 'requests[socks,security]': '' })).toBe(pip({ 'Requests[Security, socks]': '' }));
  });

  it('tells different sets and runtimes apart', () => {
    expect(dependencySet('nodejs20', { a: '1.0.0' }).hash).not.toBe(dependencySet('nodejs20', { a: '1.0.1' }).hash);
    expect(dependencySet('nodejs20', { a: '1.0.0' }).hash).not.toBe(dependencySet('nodejs20', { b: '1.0.0' }).hash);
    expect(dependencySet('nodejs20', { six: '' }).hash).not.toBe(dependencySet('python3.11', { six: '' }).hash);
    // In npm ranges, spaces separate comparators: removing them would change the meaning.
    expect(dependencySet('nodejs20', { a: '1.2 - 2.3' }).hash).not.toBe(dependencySet('nodejs20', { a: '1.2-2.3' }).hash);
  });

  it('picks the package manager of the runtime', () => {
    expect(packageManagerFor('nodejs20')).toBe('npm');
    expect(packageManagerFor('python3.11')).toBe('pip');
    expect(hasDependencies({})).toBe(false);
    expect(hasDependencies({ a: '1' })).toBe(true);
  });
});

describe('manifests', () => {
  it('writes package.json with the canonical specs', () => {
    const manifest = JSON.parse(npmManifest(dependencySet('nodejs20', { '@scope/pkg': ' ^1.0.0', 'left-pad': 'latest', any: '' })));
    expect(manifest).toMatchObject({ private: true, dependencies: { '@scope/pkg': '^1.0.0', 'left-pad': 'latest', any: '*' } });
  });

  it('writes requirements.txt one requirement per line', () => {
    expect(pipRequirements(dependencySet('python3.11', { six: '', 'Python-Dateutil': '>=2.8, <3', 'requests[socks]': '==2.31.0' }))).toBe(
      'python-dateutil>=2.8,<3\nrequests[socks]==2.31.0\nsix\n',
    );
  });

  it.each([
    ['npm', 'a file: spec', { lodash: 'file:../../etc' }],
    ['npm', 'a git URL', { lodash: 'git+https://evil.test/x.git' }],
    ['npm', 'an alias', { lodash: 'npm:evil@1.0.0' }],
    ['npm', 'a path as name', { '../x': '1.0.0' }],
    ['pip', 'an option line', { '-r /etc/passwd': '' }],
    ['pip', 'a direct URL', { evil: '@ https://evil.test/evil.whl' }],
    ['pip', 'an environment marker', { evil: '==1.0; python_version > "3"' }],
    ['pip', 'a second line', { six: '==1.0\n--index-url https://evil.test' }],
  ])('refuses to write %s manifest with %s', (manager, _what, deps) => {
    const set = dependencySet(manager === 'npm' ? 'nodejs20' : 'python3.11', deps);
    expect(() => (manager === 'npm' ? npmManifest(set) : pipRequirements(set))).toThrow(/Refusing to install/);
  });
});
