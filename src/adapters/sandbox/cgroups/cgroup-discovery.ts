import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where this process's own cgroups are, per hierarchy. */
export interface OwnCgroups {
  /** cgroup v1: controller name (`memory`, `cpu`, `pids`, ...) → this process's directory in it. */
  v1: Map<string, string>;
  /** cgroup v2: this process's directory in the unified hierarchy, when one is mounted. */
  v2: string | null;
}

interface CgroupMount {
  fstype: 'cgroup' | 'cgroup2';
  /** Path of the hierarchy that is mounted (not `/` inside some containers). */
  root: string;
  mountPoint: string;
  controllers: string[];
}

/** Reads `/proc/self/mountinfo` and `/proc/self/cgroup`. */
export function discoverOwnCgroups(procSelf = '/proc/self'): OwnCgroups {
  return ownCgroups(readFileSync(join(procSelf, 'mountinfo'), 'utf8'), readFileSync(join(procSelf, 'cgroup'), 'utf8'));
}

/**
 * Joins the cgroup mounts with the process's cgroup membership. A v1 hierarchy is kept
 * only when a mount of it exists and shows the process's cgroup (a mount of a
 * sub-tree that does not contain it is useless to us).
 */
export function ownCgroups(mountinfo: string, procCgroup: string): OwnCgroups {
  const mounts = parseCgroupMounts(mountinfo);
  const result: OwnCgroups = { v1: new Map(), v2: null };
  for (const line of procCgroup.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, list, path] = match;
    if (id === '0' && list === '') {
      const mount = mounts.find((m) => m.fstype === 'cgroup2');
      const dir = mount && directoryIn(mount, path);
      if (dir) result.v2 = dir;
      continue;
    }
    const controllers = list.split(',').filter((c) => c !== '');
    const mount = mounts.find((m) => m.fstype === 'cgroup' && controllers.every((c) => m.controllers.includes(c)));
    const dir = mount && directoryIn(mount, path);
    if (!dir) continue;
    for (const controller of controllers) result.v1.set(controller, dir);
  }
  return result;
}

function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator === -1) continue;
    const before = line.slice(0, separator).split(' ');
    const [fstype, , superOptions = ''] = line.slice(separator + 3).split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    mounts.push({
      fstype,
      root: unescapeMountPath(before[3]),
      mountPoint: unescapeMountPath(before[4]),
      controllers: fstype === 'cgroup' ? superOptions.split(',') : [],
    });
  }
  return mounts;
}

function directoryIn(mount: CgroupMount, cgroupPath: string): string | null {
  const inside = relative(mount.root, cgroupPath);
  if (inside === '..' || inside.startsWith(`..${sep}`)) return null;
  return join(mount.mountPoint, inside);
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
