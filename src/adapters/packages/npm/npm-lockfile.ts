/** One entry of `packages` in a v2/v3 package-lock.json (the fields that matter here). */
interface LockedPackage {
  name?: string;
  version?: string;
  resolved?: unknown;
  integrity?: unknown;
  link?: boolean;
  inBundle?: boolean;
  hasInstallScript?: boolean;
}

export interface LockfileVerdict {
  /** Why the lockfile cannot be installed (a package from elsewhere than the registry...). */
  problems: string[];
  /** Lockfile paths (`node_modules/x`) of packages that need an install script. */
  needScripts: string[];
}

/** The package's name: its own field, else the last `node_modules/` segment of its path. */
export function lockedName(path: string, entry: { name?: string } = {}): string {
  return entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/**
 * Checks a lockfile resolved for a build: every package must be a tarball from the
 * configured registry (`registry`, with its trailing slash), with an integrity hash —
 * never a git, file, link or other URL. Bundled packages come inside their parent's
 * tarball. Packages with install scripts are listed: the scripts are never run.
 */
export function verifyLockfile(lockfile: unknown, registry: string): LockfileVerdict {
  const packages = (lockfile as { packages?: Record<string, LockedPackage> } | null)?.packages;
  if (typeof packages !== 'object' || packages === null)
    return { problems: ['the lockfile npm wrote has no "packages" (lockfileVersion 2 or later)'], needScripts: [] };
  const problems: string[] = [];
  const needScripts: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '') continue;
    const name = lockedName(path, entry);
    const what = entry.version ? `${name}@${entry.version}` : name;
    if (entry.hasInstallScript) needScripts.push(path);
    if (entry.inBundle) continue;
    if (entry.link) {
      problems.push(`${what} is a link to ${String(entry.resolved)}, not a package from the configured registry ${registry}`);
      continue;
    }
    const resolved = typeof entry.resolved === 'string' ? entry.resolved : null;
    if (!resolved || !isOnRegistry(resolved, registry)) {
      problems.push(`${what} comes from ${resolved ?? 'an unknown place'}, not from the configured registry ${registry}`);
      continue;
    }
    if (typeof entry.integrity !== 'string' || entry.integrity === '') problems.push(`${what} (${resolved}) has no integrity hash`);
  }
  return { problems, needScripts };
}

function isOnRegistry(resolved: string, registry: string): boolean {
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.href.startsWith(registry);
}
