import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  instanceCgroupName,
  killCgroupMembers,
  readCgroupKeyed,
  readCgroupNumber,
  removeCgroup,
  removeStaleInstances,
  writeCgroupFile,
  writeOptionalCgroupFile,
} from '@/adapters/sandbox/cgroups/cgroup-files.js';
import { cgroupFreezer, FreezeSwitch } from '@/adapters/sandbox/cgroups/cgroup-freezer.js';
import type { ResourceLimiter, SandboxLimits, SandboxResources } from './resource-limiter.js';

const CPU_PERIOD_US = 100_000;
const WANTED = ['memory', 'pids', 'cpu'] as const;

/**
 * cgroup v2: one cgroup per sandbox under a parent per server, created below the
 * server's own cgroup. v2 forbids enabling controllers for a cgroup that holds
 * processes, so this works where the server's cgroup is delegated with the controllers
 * already enabled for its children (or is the root), and reports itself unusable
 * otherwise.
 */
export class CgroupV2Limiter implements ResourceLimiter {
  readonly mechanism = 'cgroup-v2' as const;
  private constructor(
    private readonly parent: string,
    private readonly controllers: string[],
  ) {}

  static async open(ownDir: string | null): Promise<CgroupV2Limiter | null> {
    if (!ownDir) return null;
    const available = words(ownDir, 'cgroup.controllers');
    const controllers = WANTED.filter((c) => available.includes(c));
    if (!controllers.includes('memory')) return null;
    const enable = controllers.map((c) => `+${c}`).join(' ');
    const parent = join(ownDir, instanceCgroupName());
    try {
      const enabled = words(ownDir, 'cgroup.subtree_control');
      if (!controllers.every((c) => enabled.includes(c))) writeCgroupFile(ownDir, 'cgroup.subtree_control', enable);
      await removeStaleInstances(ownDir);
      mkdirSync(parent);
      writeCgroupFile(parent, 'cgroup.subtree_control', enable);
    } catch {
      await removeCgroup(parent);
      return null;
    }
    return new CgroupV2Limiter(parent, controllers);
  }

  describe(): string {
    return `cgroup v2 (${this.controllers.join(', ')}) under ${this.parent}`;
  }

  create(id: string, resources: SandboxResources): SandboxLimits {
    const dir = join(this.parent, id);
    mkdirSync(dir);
    try {
      writeCgroupFile(dir, 'memory.max', resources.memoryBytes);
      writeOptionalCgroupFile(dir, 'memory.swap.max', 0);
      if (this.controllers.includes('pids')) writeCgroupFile(dir, 'pids.max', resources.pids);
      if (this.controllers.includes('cpu')) {
        writeCgroupFile(dir, 'cpu.max', `${Math.max(1000, Math.round(resources.cpus * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
      }
    } catch (error) {
      void removeCgroup(dir);
      throw error;
    }
    return new CgroupV2Sandbox(dir);
  }

  close(): void {
    void removeCgroup(this.parent);
  }
}

class CgroupV2Sandbox implements SandboxLimits {
  readonly commandPrefix = [];
  readonly needsAttach = true;
  private readonly freezing: FreezeSwitch;

  constructor(private readonly dir: string) {
    this.freezing = new FreezeSwitch(cgroupFreezer(dir));
  }

  attach(pid: number): void {
    writeCgroupFile(this.dir, 'cgroup.procs', pid);
  }

  memoryPeakBytes(): number | null {
    return readCgroupNumber(this.dir, 'memory.peak');
  }

  oomKilled(): boolean {
    return (readCgroupKeyed(this.dir, 'memory.events').get('oom_kill') ?? 0) > 0;
  }

  freeze(): boolean {
    return this.freezing.freeze();
  }

  thaw(): void {
    this.freezing.thaw();
  }

  killedWhileFrozen(): boolean {
    return this.freezing.killedWhileFrozen();
  }

  killAll(): void {
    this.thaw();
    try {
      if (writeOptionalCgroupFile(this.dir, 'cgroup.kill', 1)) return;
    } catch {
      // Fall back to killing the members one by one.
    }
    killCgroupMembers(this.dir);
  }

  async dispose(): Promise<void> {
    await removeCgroup(this.dir);
  }
}

function words(dir: string, file: string): string[] {
  try {
    return readFileSync(join(dir, file), 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
}
