import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/**
 * Closes the file descriptors this process inherited from whatever launched it (a shell,
 * a supervisor, a test harness), keeping stdin, stdout and stderr. Node and libuv open
 * everything close-on-exec, but an inherited descriptor is not, so every sandbox process
 * spawned later would inherit it too: untrusted code could write to the launcher's pipes
 * or read its files. Call it first thing at start-up, before anything opens descriptors
 * that must stay open across exec (nothing in fngraph does). Linux only (reads /proc);
 * elsewhere, and under a Node parent that forked it, it does nothing. Returns the
 * descriptors closed.
 */
export function closeInheritedDescriptors(): number[] {
  // Forked by a Node parent: the IPC channel is an inherited descriptor that must stay.
  if (process.channel !== undefined) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const entry of entries) {
    const fd = Number(entry);
    if (fd <= 2) continue;
    let flags: number;
    try {
      // The directory listing's own descriptor is gone by now: it answers ENOENT.
      const match = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (!match) continue;
      flags = parseInt(match[1]!, 8);
    } catch {
      continue;
    }
    if ((flags & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // Already closed: nothing to do.
    }
  }
  return closed;
}
