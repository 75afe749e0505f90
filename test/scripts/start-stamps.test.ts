import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultNodeCandidates, nodeBinariesByMajor } from '@/adapters/sandbox/process/node-binaries.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

// `npm` stands in for the two slow steps and writes down each run; everything else
// (scripts/lib/common.sh, node, sha256sum, find) is real.
const FAKE_NPM = `#!/usr/bin/env bash
set -e
case "$*" in
  "ci --no-audit --no-fund") echo ci >>"$STEPS"; mkdir -p node_modules; echo '{}' >node_modules/.package-lock.json ;;
  "run --silent build") echo build >>"$STEPS"; rm -rf dist; mkdir -p dist; echo 'built' >dist/main.js ;;
  *) echo "unexpected npm $*" >&2; exit 2 ;;
esac
`;

/**
 * What scripts/start does before it starts the server (`ensure_node_modules`, then
 * `ensure_build`), in a copy of the layout it works on: npm ci only when package-lock.json
 * or the Node.js ABI changed, the build only when a build input's content changed.
 */
describe('scripts/start: npm ci and the build are skipped when nothing they depend on changed', () => {
  let root: string;
  let steps: string;
  let fakeBin: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fngraph-stamps-'));
    steps = join(root, 'steps.log');
    fakeBin = join(root, 'fake-bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'npm'), FAKE_NPM);
    chmodSync(join(fakeBin, 'npm'), 0o755);
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'scripts', 'lib'), { recursive: true });
    mkdirSync(join(repo, 'src', 'modules'), { recursive: true });
    copyFileSync(join(REPOSITORY, 'scripts', 'lib', 'common.sh'), join(repo, 'scripts', 'lib', 'common.sh'));
    writeFileSync(join(repo, 'package.json'), '{ "name": "stamps" }\n');
    writeFileSync(join(repo, 'package-lock.json'), '{ "lockfileVersion": 3 }\n');
    writeFileSync(join(repo, 'tsconfig.json'), '{}\n');
    writeFileSync(join(repo, 'tsconfig.build.json'), '{}\n');
    writeFileSync(join(repo, 'src', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(repo, 'src', 'modules', 'b.ts'), 'export const b = 2;\n');
    mkdirSync(join(repo, 'console', 'src'), { recursive: true });
    writeFileSync(join(repo, 'console', 'src', 'app.tsx'), 'export const App = () => null;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const repo = (...path: string[]) => join(root, 'repo', ...path);

  /** Runs the two steps as scripts/start does; returns the slow steps that ran. */
  function start(node = process.execPath): string[] {
    writeFileSync(steps, '');
    execFileSync('bash', ['-c', 'source scripts/lib/common.sh && ensure_node_modules && ensure_build'], {
      cwd: repo(),
      env: { ...process.env, STEPS: steps, PATH: `${fakeBin}:${dirname(node)}:${process.env.PATH}`, FNGRAPH_STATE: join(root, 'state') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return readFileSync(steps, 'utf8').split('\n').filter(Boolean);
  }

  it('runs npm ci and the build on the first start, and neither on the next', () => {
    expect(start()).toEqual(['ci', 'build']);
    expect(start()).toEqual([]);
  });

  it('rebuilds when a source file changes, not when it is only touched', () => {
    start();
    const later = new Date(Date.now() + 60_000);
    utimesSync(repo('src', 'main.ts'), later, later);
    expect(start()).toEqual([]);
    appendFileSync(repo('src', 'modules', 'b.ts'), 'export const c = 3;\n');
    expect(start()).toEqual(['build']);
    writeFileSync(repo('src', 'modules', 'new.ts'), 'export {};\n');
    expect(start()).toEqual(['build']);
    rmSync(repo('src', 'modules', 'new.ts'));
    expect(start()).toEqual(['build']);
    // The web console is built by the same `npm run build`.
    appendFileSync(repo('console', 'src', 'app.tsx'), 'export const other = 1;\n');
    expect(start()).toEqual(['build']);
    expect(start()).toEqual([]);
  });

  it('rebuilds when a tsconfig or package.json changes, and when dist/ was rebuilt by hand (no stamp)', () => {
    start();
    writeFileSync(repo('tsconfig.build.json'), '{ "compilerOptions": {} }\n');
    expect(start()).toEqual(['build']);
    writeFileSync(repo('package.json'), '{ "name": "stamps", "scripts": {} }\n');
    expect(start()).toEqual(['build']);
    rmSync(repo('dist'), { recursive: true });
    mkdirSync(repo('dist'));
    writeFileSync(repo('dist', 'main.js'), 'by hand');
    expect(start()).toEqual(['build']);
  });

  it('runs npm ci (and rebuilds) when package-lock.json changes', () => {
    start();
    writeFileSync(repo('package-lock.json'), '{ "lockfileVersion": 3, "packages": {} }\n');
    expect(start()).toEqual(['ci', 'build']);
    expect(start()).toEqual([]);
  });

  // Native modules (better-sqlite3) are built for one Node.js ABI: another major reinstalls.
  const nodes = nodeBinariesByMajor(defaultNodeCandidates(process.execPath, REPOSITORY));
  const otherNode = [...nodes.entries()].find(([major]) => major !== Number(process.versions.node.split('.')[0]))?.[1];
  it.skipIf(otherNode === undefined)('runs npm ci again under another Node.js major, and not again after that', () => {
    start();
    expect(start(otherNode)).toEqual(['ci']);
    expect(start(otherNode)).toEqual([]);
    expect(start()).toEqual(['ci']);
  });
});
