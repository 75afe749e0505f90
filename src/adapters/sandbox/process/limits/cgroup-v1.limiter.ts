import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  instanceCgroupName,
  killCgroupMembers,
  readCgroupKeyed,
  readCgroupNumber,
  removeCgroup,
  removeStaleInstances,
  writeCgroupFile,
} from '@/adapters/sandbox/cgroups/cgroup-files.js';
import { cgroupFreezer, type CgroupFreezer, FreezeSwitch } from '@/adapters/sandbox/cgroups/cgroup-freezer.js';
import type { ResourceLimiter, SandboxLimits, SandboxResources } from './resource-limiter.js';

const CPU_PERIOD_US = 100_000;

interface V1Parents {
  memory: string;
  pids: string | null;
  cpu: string | null;
  /** Freezes sandboxes between invocations. */
  freezer: string | null;
}

/**
 * cgroup v1: one cgroup per sandbox in each of the memory, pids and cpu hierarchies,
 * under a parent per server created next to the server's own cgroups (so limits
 * placed on the server by its operator still apply to its sandboxes).
 */
export class CgroupV1Limiter implements ResourceLimiter {
  readonly mechanism = 'cgroup-v1' as const;
  private constructor(
    private readonly parents: V1Parents,
    private readonly swapAccounting: boolean,
  ) {}

  /** Null when the memory hierarchy is missing or not writable. */
  static async open(own: Map<string, string>): Promise<CgroupV1Limiter | null> {
    const memoryOwn = own.get('memory');
    if (!memoryOwn) return null;
    const name = instanceCgroupName();
    const created = new Map<string, string | null>();
    const create = async (ownDir: string | undefined): Promise<string | null> => {
      if (!ownDir) return null;
      // Co-mounted controllers share one directory: create it once.
      if (!created.has(ownDir)) created.set(ownDir, await createInstance(ownDir, name));
      return created.get(ownDir) ?? null;
    };
    const memory = await create(memoryOwn);
    const parents = { memory, pids: await create(own.get('pids')), cpu: await create(own.get('cpu')), freezer: await create(own.get('freezer')) };
    if (!memory) {
      for (const dir of created.values()) if (dir) await removeCgroup(dir);
      return null;
    }
    return new CgroupV1Limiter({ ...parents, memory }, existsSync(join(memoryOwn, 'memory.memsw.limit_in_bytes')));
  }

  describe(): string {
    const parts = [this.swapAccounting ? 'memory+swap' : 'memory (swap not accounted)'];
    parts.push(this.parents.cpu ? 'cpu quota' : 'no cpu quota', this.parents.pids ? 'pids' : 'no pids limit');
    parts.push(this.parents.freezer ? 'freezer' : 'no freezer');
    return `cgroup v1 (${parts.join(', ')}) under ${this.parents.memory}`;
  }

  create(id: string, resources: SandboxResources): SandboxLimits {
    const memory = join(this.parents.memory, id);
    const pids = this.parents.pids && join(this.parents.pids, id);
    const cpu = this.parents.cpu && join(this.parents.cpu, id);
    const freezer = this.parents.freezer && join(this.parents.freezer, id);
    const dirs = [...new Set([memory, pids, cpu, freezer].filter((d): d is string => d !== null))];
    const made: string[] = [];
    try {
      for (const dir of dirs) {
        mkdirSync(dir);
        made.push(dir);
      }
      // memsw must stay >= memory: lower memory first.
      writeCgroupFile(memory, 'memory.limit_in_bytes', resources.memoryBytes);
      if (this.swapAccounting) writeCgroupFile(memory, 'memory.memsw.limit_in_bytes', resources.memoryBytes);
      if (pids) writeCgroupFile(pids, 'pids.max', resources.pids);
      if (cpu) {
        writeCgroupFile(cpu, 'cpu.cfs_period_us', CPU_PERIOD_US);
        writeCgroupFile(cpu, 'cpu.cfs_quota_us', Math.max(1000, Math.round(resources.cpus * CPU_PERIOD_US)));
      }
    } catch (error) {
      for (const dir of made) void removeCgroup(dir);
      throw error;
    }
    return new CgroupV1Sandbox(memory, dirs, freezer === null ? null : cgroupFreezer(freezer));
  }

  close(): void {
    for (const dir of new Set([this.parents.memory, this.parents.pids, this.parents.cpu, this.parents.freezer])) if (dir) void removeCgroup(dir);
  }
}

class CgroupV1Sandbox implements SandboxLimits {
  readonly commandPrefix = [];
  readonly needsAttach = true;

  private readonly freezing: FreezeSwitch;

  constructor(
    private readonly memory: string,
    private readonly dirs: string[],
    freezer: CgroupFreezer | null,
  ) {
    this.freezing = new FreezeSwitch(freezer);
  }

  attach(pid: number): void {
    for (const dir of this.dirs) writeCgroupFile(dir, 'cgroup.procs', pid);
  }

  memoryPeakBytes(): number | null {
    return readCgroupNumber(this.memory, 'memory.max_usage_in_bytes');
  }

  oomKilled(): boolean {
    const control = readCgroupKeyed(this.memory, 'memory.oom_control');
    // Kernels before 4.13 have no oom_kill counter: hitting the limit is the best hint.
    const kills = control.get('oom_kill') ?? readCgroupNumber(this.memory, 'memory.failcnt');
    return (kills ?? 0) > 0;
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
    // A frozen v1 task does not die until thawed.
    this.thaw();
    for (const dir of this.dirs) killCgroupMembers(dir);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.dirs.map((dir) => removeCgroup(dir)));
  }
}

async function createInstance(ownDir: string, name: string): Promise<string | null> {
  await removeStaleInstances(ownDir);
  const dir = join(ownDir, name);
  try {
    mkdirSync(dir);
    return dir;
  } catch {
    return null;
  }
}
