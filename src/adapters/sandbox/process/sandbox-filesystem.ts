import { lstatSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SANDBOX_SHIMS_DIR } from '@/modules/executor/sandbox-paths.js';

export type PathKind = { kind: 'directory' } | { kind: 'symlink'; target: string } | { kind: 'other' } | { kind: 'missing' };

/** Top-level system directories an interpreter may need (shared libraries, itself). */
const SYSTEM_DIRECTORIES = ['/usr', '/lib', '/lib64', '/lib32', '/libx32', '/bin', '/sbin'];

export interface FilesystemPlan {
  readOnlyBinds: string[];
  symlinks: { path: string; target: string }[];
  /** Host directories bound after the system ones: interpreters outside them, the shims. */
  binds: { source: string; path: string }[];
  hidden: string[];
}

export interface FilesystemNeeds {
  /** Real paths of the interpreters sandboxes run. */
  interpreters: string[];
  /** Bound at `/opt/fngraph/shims` (function sandboxes; tool sandboxes have none). */
  shimsDir?: string;
  /** Real paths that must never be visible (the data dir, the server's own files). */
  secret: string[];
}

/**
 * Decides what a sandbox sees: the system directories (merged-/usr links as links),
 * each interpreter's `bin` and `lib` when they live elsewhere, the shims at
 * `/opt/fngraph/shims` — and nothing of `/etc`, `/home`, `/root`, the data directory or
 * the server's source. Secret paths that happen to lie inside a bound directory (an app
 * installed under /usr) are covered.
 */
export function planFilesystem(needs: FilesystemNeeds, probe: (path: string) => PathKind = probePath): FilesystemPlan {
  const plan: FilesystemPlan = { readOnlyBinds: [], symlinks: [], binds: [], hidden: [] };
  for (const dir of SYSTEM_DIRECTORIES) {
    const kind = probe(dir);
    if (kind.kind === 'directory') plan.readOnlyBinds.push(dir);
    else if (kind.kind === 'symlink') plan.symlinks.push({ path: dir, target: kind.target });
  }
  const visible = (path: string) => plan.readOnlyBinds.some((dir) => covers(dir, path));
  plan.hidden = needs.secret.filter(visible);
  const addHostDirectory = (dir: string) => {
    if (!plan.binds.some((d) => d.source === dir)) plan.binds.push({ source: dir, path: dir });
  };
  for (const interpreter of needs.interpreters) {
    const bin = dirname(interpreter);
    if (visible(bin) && !plan.hidden.some((secret) => covers(secret, bin))) continue;
    addHostDirectory(bin);
    const lib = join(dirname(bin), 'lib');
    if (probe(lib).kind === 'directory') addHostDirectory(lib);
  }
  for (const { source } of plan.binds) {
    for (const secret of needs.secret) {
      if (covers(source, secret) && !plan.hidden.includes(secret)) plan.hidden.push(secret);
    }
  }
  if (needs.shimsDir) plan.binds.push({ source: needs.shimsDir, path: SANDBOX_SHIMS_DIR });
  return plan;
}

function covers(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function probePath(path: string): PathKind {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
    return stat.isDirectory() ? { kind: 'directory' } : { kind: 'other' };
  } catch {
    return { kind: 'missing' };
  }
}
