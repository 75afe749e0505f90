import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CgroupV1Limiter } from './cgroup-v1.limiter.js';
import { CgroupV2Limiter } from './cgroup-v2.limiter.js';
import { RlimitLimiter } from './rlimit.limiter.js';

// cgroupfs is faked with plain directories: the limiters only mkdir, write, read and rmdir.
const MiB = 1024 * 1024;
const RESOURCES = { memoryBytes: 64 * MiB, cpus: 0.5, pids: 32 };

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fngraph-cgroups-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function dir(...parts: string[]): string {
  const path = join(root, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

const read = (path: string) => readFileSync(path, 'utf8');

describe('CgroupV1Limiter', () => {
  it('creates one cgroup per sandbox in each hierarchy, with the limits, and attaches processes', async () => {
    const own = { memory: dir('memory', 'server'), pids: dir('pids'), cpu: dir('cpu,cpuacct') };
    writeFileSync(join(own.memory, 'memory.memsw.limit_in_bytes'), '');
    const limiter = await CgroupV1Limiter.open(
      new Map([
        ['memory', own.memory],
        ['pids', own.pids],
        ['cpu', own.cpu],
        ['cpuacct', own.cpu],
      ]),
    );
    expect(limiter?.describe()).toMatch(/^cgroup v1 \(memory\+swap, cpu quota, pids, no freezer\)/);
    const limits = limiter!.create('sandbox-1', RESOURCES);
    const [instance] = readdirSync(own.memory).filter((n) => n.startsWith('fngraph-'));
    const memory = join(own.memory, instance, 'sandbox-1');
    expect(read(join(memory, 'memory.limit_in_bytes'))).toBe(String(64 * MiB));
    expect(read(join(memory, 'memory.memsw.limit_in_bytes'))).toBe(String(64 * MiB));
    expect(read(join(own.pids, instance, 'sandbox-1', 'pids.max'))).toBe('32');
    expect(read(join(own.cpu, instance, 'sandbox-1', 'cpu.cfs_quota_us'))).toBe('50000');
    expect(read(join(own.cpu, instance, 'sandbox-1', 'cpu.cfs_period_us'))).toBe('100000');

    limits.attach(4242);
    for (const base of [own.memory, own.pids, own.cpu]) expect(read(join(base, instance, 'sandbox-1', 'cgroup.procs'))).toBe('4242');

    writeFileSync(join(memory, 'memory.max_usage_in_bytes'), '123456\n');
    expect(limits.memoryPeakBytes()).toBe(123456);
    expect(limits.oomKilled()).toBe(false);
    writeFileSync(join(memory, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    expect(limits.oomKilled()).toBe(true);
  });

  it('removes the cgroups of dead servers at start-up and leaves live ones', async () => {
    const own = dir('memory');
    dir('memory', 'fngraph-999999999-abcdef', 'sandbox-3');
    dir('memory', `fngraph-${process.pid}-abcdef`, 'sandbox-1');
    await CgroupV1Limiter.open(new Map([['memory', own]]));
    expect(existsSync(join(own, 'fngraph-999999999-abcdef'))).toBe(false);
    expect(existsSync(join(own, `fngraph-${process.pid}-abcdef`, 'sandbox-1'))).toBe(true);
  });

  it('is unusable without a memory hierarchy', async () => {
    expect(await CgroupV1Limiter.open(new Map([['pids', dir('pids')]]))).toBeNull();
    expect(await CgroupV1Limiter.open(new Map([['memory', join(root, 'missing')]]))).toBeNull();
  });
});

describe('CgroupV2Limiter', () => {
  it('enables the controllers below its own cgroup and writes v2 limits', async () => {
    const own = dir('unified', 'server');
    writeFileSync(join(own, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    writeFileSync(join(own, 'cgroup.subtree_control'), '\n');
    const limiter = await CgroupV2Limiter.open(own);
    expect(read(join(own, 'cgroup.subtree_control'))).toBe('+memory +pids +cpu');
    const limits = limiter!.create('sandbox-1', RESOURCES);
    const [instance] = readdirSync(own).filter((n) => n.startsWith('fngraph-'));
    const sandbox = join(own, instance, 'sandbox-1');
    expect(read(join(own, instance, 'cgroup.subtree_control'))).toBe('+memory +pids +cpu');
    expect(read(join(sandbox, 'memory.max'))).toBe(String(64 * MiB));
    expect(read(join(sandbox, 'pids.max'))).toBe('32');
    expect(read(join(sandbox, 'cpu.max'))).toBe('50000 100000');
    writeFileSync(join(sandbox, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    expect(limits.oomKilled()).toBe(true);
  });

  it('is unusable without the memory controller', async () => {
    const own = dir('unified');
    writeFileSync(join(own, 'cgroup.controllers'), 'cpu pids\n');
    expect(await CgroupV2Limiter.open(own)).toBeNull();
    expect(await CgroupV2Limiter.open(null)).toBeNull();
  });
});

describe('RlimitLimiter', () => {
  it('runs the command under prlimit, with a process limit only in a private user namespace', () => {
    expect(new RlimitLimiter('/usr/bin/prlimit', true).create('s', RESOURCES).commandPrefix).toEqual([
      '/usr/bin/prlimit',
      `--data=${64 * MiB}`,
      '--core=0',
      '--nproc=32',
      '--',
    ]);
    const shared = new RlimitLimiter('/usr/bin/prlimit', false).create('s', { ...RESOURCES, memoryBytes: 16 * MiB }).commandPrefix;
    expect(shared).toEqual(['/usr/bin/prlimit', `--data=${64 * MiB}`, '--core=0', '--']);
  });
});
