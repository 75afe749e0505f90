// Process memory and CPU time from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Every process whose ancestry includes `pid`. */
export function descendants(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may contain spaces; fields after its closing paren.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const result = [];
  for (const [child] of parents) {
    for (let p = parents.get(child); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === pid) {
        result.push(child);
        break;
      }
    }
  }
  return result;
}

export function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux port but alpha/ia64). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used, in seconds; null once it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the state.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Seconds one CPU has spent busy since boot (not idle, iowait, or stolen by the hypervisor). */
export function cpuBusySeconds(cpu) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) throw new Error(`no cpu${cpu} in /proc/stat`);
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / TICKS_PER_SECOND;
}

/** CPU seconds of `pid` and every process under it (the living ones). */
export function treeCpuSeconds(pid) {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + (cpuSeconds(p) ?? 0), 0);
}

/**
 * CPU seconds used by every Docker container (their parent cgroup under cgroup v1's `cpuacct`),
 * which run outside the server's process tree; null where it cannot be read.
 */
export function dockerContainersCpuSeconds() {
  try {
    return Number(readFileSync('/sys/fs/cgroup/cpuacct/docker/cpuacct.usage', 'utf8')) / 1e9;
  } catch {
    return null;
  }
}
