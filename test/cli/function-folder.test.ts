import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { inferLanguage, packageCode, parseRequirements } from '../../cli/src/function-folder.js';
import { loadManifest } from '../../cli/src/manifest.js';
import { registrationFor } from '../../cli/src/registration.js';

// How `fngraph deploy` turns a folder into a registration document (no server needed).
const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-cli-folder-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('function folders', () => {
  it('sends one source file as is, beside descriptive files only', () => {
    const dir = folder({ 'fngraph.yaml': 'name: a\n', 'package.json': '{}', 'README.md': '#', 'index.ts': 'export default 1;', '.env': 'X=1' });
    const code = packageCode(dir);
    expect(code).toMatchObject({ codeFormat: 'source', files: ['index.ts'] });
    expect(Buffer.from(code.code, 'base64').toString()).toBe('export default 1;');
  });

  it('zips anything else, without node_modules, .git, __pycache__ and dotfiles, the same bytes every time', () => {
    const dir = folder({
      'fngraph.yaml': 'name: a\n',
      'main.py': 'import util',
      'util.py': 'x = 1',
      'templates/page.html': '<p>',
      'node_modules/x/index.js': '',
      '.git/HEAD': '',
      '__pycache__/util.pyc': '',
      '.env': 'SECRET=1',
    });
    const code = packageCode(dir);
    expect(code.codeFormat).toBe('zip');
    expect(Object.keys(unzipSync(Buffer.from(code.code, 'base64'))).sort()).toEqual(['fngraph.yaml', 'main.py', 'templates/page.html', 'util.py']);
    expect(packageCode(dir).code).toBe(code.code);
  });

  it('infers the language from the handler module or the sources', () => {
    expect(inferLanguage(folder({ 'main.py': '', 'helpers.js': '' }), undefined, 'main.handle')).toBe('python');
    expect(inferLanguage(folder({ 'src/app.ts': '', 'x.js': '' }), undefined, 'src/app.handler')).toBe('typescript');
    expect(inferLanguage(folder({ 'index.js': '' }), undefined, undefined)).toBe('javascript');
    expect(inferLanguage(folder({ 'index.js': '' }), 'python3.11', undefined)).toBe('python');
  });

  it('reads requirements.txt lines, and refuses options, URLs and markers', () => {
    expect(parseRequirements('# deps\nsix>=1.16\nrequests[socks] == 2.32.0  # pinned\n\nattrs\n')).toEqual({
      six: '>=1.16',
      'requests[socks]': '==2.32.0',
      attrs: '',
    });
    expect(() => parseRequirements('-r other.txt')).toThrow(/requirements.txt:1/);
    expect(() => parseRequirements('pkg @ https://example.com/pkg.whl')).toThrow(/no options, URLs/);
    expect(() => parseRequirements('six; python_version < "3"')).toThrow();
  });

  it('builds the registration: manifest, package.json dependencies, env from the environment, only the fields used', () => {
    const dir = folder({
      'fngraph.yaml': 'name: shop\nlimits: { timeout: 5, concurrency: 16 }\nenv:\n  A: 1\n  B: { secret: SHOP_B }\n  C: { fromEnv: SHOP_C }\n',
      'package.json': JSON.stringify({ dependencies: { zod: '^4.0.0' }, devDependencies: { vitest: '*' } }),
      'index.js': 'export default 1;',
    });
    const { input } = registrationFor(dir, loadManifest(dir).manifest, { SHOP_B: 'b', SHOP_C: 'c' });
    expect(input).toEqual({
      name: 'shop',
      language: 'javascript',
      code: Buffer.from('export default 1;').toString('base64'),
      metadata: { dependencies: { zod: '^4.0.0' } },
      executionConfig: { timeout: 5, concurrency: 16, environmentVariables: { A: '1', B: { value: 'b', secret: true }, C: 'c' } },
    });
  });

  it('sends the manifest contract as written (nulls and $ keywords kept), and refuses unknown contract keys', () => {
    const dir = folder({
      'fngraph.yaml': [
        'name: resize',
        'allowBreakingChanges: true',
        'contract:',
        '  input: { type: object, properties: { width: { $ref: "#/$defs/size" }, note: { const: null } }, $defs: { size: { type: integer } } }',
        '  outputMode: refuse',
        '',
      ].join('\n'),
      'index.js': 'export default 1;',
    });
    const { input } = registrationFor(dir, loadManifest(dir).manifest, {});
    expect(input.allowBreakingChanges).toBe(true);
    expect(input.contract).toEqual({
      input: { type: 'object', properties: { width: { $ref: '#/$defs/size' }, note: { const: null } }, $defs: { size: { type: 'integer' } } },
      outputMode: 'REFUSE',
    });
    const typo = folder({ 'fngraph.yaml': 'name: resize\ncontract: { inputs: {} }\n', 'index.js': 'export default 1;' });
    expect(() => loadManifest(typo)).toThrow(/contract: unknown key inputs/);
  });

  it('takes the manifest from package.json#fngraph, and names unknown keys', () => {
    const dir = folder({ 'package.json': JSON.stringify({ name: '@acme/greeter', description: 'hi', fngraph: { runtime: 'nodejs20' } }), 'index.js': '' });
    expect(loadManifest(dir).manifest).toEqual({ name: 'greeter', description: 'hi', runtime: 'nodejs20' });
    expect(() => loadManifest(folder({ 'fngraph.yaml': 'name: a\nmemory: 128\n' }))).toThrow(/unknown key memory/);
    expect(() => loadManifest(folder({ 'index.js': '' }))).toThrow(/No manifest/);
  });
});
