import { createHash } from 'node:crypto';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';

export type PackageManager = 'npm' | 'pip';

/** One distinct set of dependencies for one runtime, in canonical form. */
export interface DependencySet {
  runtime: RuntimeId;
  manager: PackageManager;
  /** `[name, spec]` sorted by name; names and specs canonical for the package manager. */
  entries: ReadonlyArray<readonly [string, string]>;
  /** sha256 (hex) of the runtime and the entries: the cache key. */
  hash: string;
}

export function packageManagerFor(runtime: RuntimeId): PackageManager {
  return runtime === 'python3.11' ? 'pip' : 'npm';
}

/**
 * PyPI names compare case-insensitively with runs of `-`, `_` and `.` equivalent (PEP 503);
 * extras (`name[a,b]`) are kept, sorted, as part of the name.
 */
function canonicalPipName(name: string): string {
  const match = /^([^[]+)(?:\[([^\]]*)\])?$/.exec(name.trim());
  const base = (match?.[1] ?? name)
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
  const extras = (match?.[2] ?? '')
    .split(',')
    .map((extra) =>
      extra
        .trim()
        .toLowerCase()
        .replace(/[-_.]+/g, '-'),
    )
    .filter((extra) => extra !== '');
  return extras.length > 0 ? `${base}[${[...new Set(extras)].sort().join(',')}]` : base;
}

/**
 * "Any version" has several spellings. Whitespace means nothing in PEP 440 specifiers;
 * in npm ranges it separates comparators (`1.2 - 2.3`), so only its amount is dropped.
 */
function canonicalSpec(manager: PackageManager, spec: string): string {
  if (manager === 'pip') {
    const compact = spec.replace(/\s+/g, '');
    return compact === '*' ? '' : compact;
  }
  const collapsed = spec.trim().replace(/\s+/g, ' ');
  return collapsed === '' ? '*' : collapsed;
}

/**
 * The canonical form of a version's dependencies: two sets that install the same thing
 * get the same hash, whatever the order or spelling they were registered with.
 */
export function dependencySet(runtime: RuntimeId, dependencies: Record<string, string>): DependencySet {
  const manager = packageManagerFor(runtime);
  const merged = new Map<string, string>();
  for (const [name, spec] of Object.entries(dependencies)) {
    const canonicalName = manager === 'pip' ? canonicalPipName(name) : name.trim();
    merged.set(canonicalName, canonicalSpec(manager, spec));
  }
  const entries = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256').update(JSON.stringify({ runtime, entries })).digest('hex');
  return { runtime, manager, entries, hash };
}

export function hasDependencies(dependencies: Record<string, string>): boolean {
  return Object.keys(dependencies).length > 0;
}

/**
 * What a manifest line may contain: registry package names and version specifiers only,
 * never a path, URL, VCS reference or command-line option. Registration validates specs
 * already; this is the last check before a manifest is written for a package manager.
 */
const ALLOWED: Record<PackageManager, { name: RegExp; spec: RegExp }> = {
  npm: {
    name: /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/,
    spec: /^(?!-)[0-9A-Za-z.*^~<>=|+ -]*$/,
  },
  pip: {
    name: /^[a-z0-9][a-z0-9._-]*(?:\[[a-z0-9][a-z0-9,._-]*\])?$/,
    spec: /^[0-9A-Za-z.*+!_,<>=~-]*$/,
  },
};

function assertPlain(manager: PackageManager, name: string, spec: string): void {
  if (!ALLOWED[manager].name.test(name) || !ALLOWED[manager].spec.test(spec)) {
    throw new Error(`Refusing to install the dependency ${JSON.stringify(name)}: ${JSON.stringify(spec)}`);
  }
}

/** `package.json` for an npm install of the set. */
export function npmManifest(set: DependencySet): string {
  const dependencies: Record<string, string> = {};
  for (const [name, spec] of set.entries) {
    assertPlain('npm', name, spec);
    dependencies[name] = spec;
  }
  return `${JSON.stringify({ name: 'fngraph-dependencies', private: true, description: 'Installed by fngraph', dependencies }, null, 2)}\n`;
}

/** `requirements.txt` for a pip install of the set. */
export function pipRequirements(set: DependencySet): string {
  return set.entries
    .map(([name, spec]) => {
      assertPlain('pip', name, spec);
      return `${name}${spec}\n`;
    })
    .join('');
}
