import { readdirSync, readFileSync } from 'node:fs';
import { autoscalingSuite } from './autoscaling.suite.js';

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid, cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** This test process's descendants (the in-process server's sandboxes among them), never anyone else's. */
function descendants(): Proc[] {
  const all = processes();
  const mine = new Set([process.pid]);
  const result: Proc[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (mine.has(p.ppid) && !mine.has(p.pid)) {
        mine.add(p.pid);
        result.push(p);
        grew = true;
      }
    }
  }
  return result;
}

/** The runtime shim's own process: inside bubblewrap it is a grandchild, so bwrap outlives it for a moment. */
const isShim = (p: Proc) => /shim\.cjs|shim\.py/.test(p.cmdline) && !p.cmdline.includes('bwrap');
/** The sandbox as the server started it: bubblewrap, or the interpreter itself without it. */
const isSandbox = (p: Proc) => p.ppid === process.pid && (p.cmdline.includes('bwrap') || isShim(p));

function killAll(select: (p: Proc) => boolean): number {
  const victims = descendants().filter(select);
  for (const victim of victims) process.kill(victim.pid, 'SIGKILL');
  return victims.length;
}

autoscalingSuite('process', {
  killSandboxes: async () => killAll(isSandbox),
  moreKillers: { 'only the shim process inside': async () => killAll(isShim) },
});
