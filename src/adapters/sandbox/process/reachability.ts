import { type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SandboxIdentity {
  uid: number;
  gid: number;
}

/**
 * Why a sandbox running as `identity` (no supplementary groups) could not list and
 * read `dir` — a parent it cannot traverse, or the directory itself — or null when it
 * can. bubblewrap resolves its binds with the sandbox user's permissions, so a
 * dependency cache inside a 0700 data directory would fail at every cold start.
 */
export function unreachableReason(
  dir: string,
  identity: SandboxIdentity,
  stat: (path: string) => Pick<Stats, 'uid' | 'gid' | 'mode'> = statSync,
): string | null {
  const allowed = (path: string, wanted: number) => {
    const info = stat(path);
    const bits = info.uid === identity.uid ? info.mode >> 6 : info.gid === identity.gid ? info.mode >> 3 : info.mode;
    return (bits & wanted) === wanted;
  };
  try {
    if (!allowed(dir, 0o5)) return `${dir} is not readable by uid ${identity.uid}`;
    for (let parent = dirname(dir); ; parent = dirname(parent)) {
      if (!allowed(parent, 0o1)) return `${parent} is not traversable by uid ${identity.uid} (it needs o+x, or another location)`;
      if (parent === dirname(parent)) return null;
    }
  } catch (error) {
    return (error as Error).message;
  }
}
