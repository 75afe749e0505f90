import { describe, expect, it } from 'vitest';
import { ownCgroups } from './cgroup-discovery.js';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
50 23 0:40 / /proc rw - proc proc rw`;

const HYBRID_CGROUP = `9:name=systemd:/
8:pids:/
4:memory:/process_api/85c6
1:cpu,cpuacct:/
0::/`;

describe('ownCgroups', () => {
  it('maps every v1 controller to the process directory in its hierarchy', () => {
    const own = ownCgroups(HYBRID_MOUNTINFO, HYBRID_CGROUP);
    expect(own.v1.get('memory')).toBe('/sys/fs/cgroup/memory/process_api/85c6');
    expect(own.v1.get('pids')).toBe('/sys/fs/cgroup/pids');
    expect(own.v1.get('cpu')).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(own.v1.get('cpuacct')).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(own.v2).toBe('/sys/fs/cgroup/unified');
  });

  it('finds a pure v2 hierarchy and honours a mount of a sub-tree', () => {
    const mountinfo = '30 23 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate';
    expect(ownCgroups(mountinfo, '0::/kubepods/pod1/app\n')).toEqual({ v1: new Map(), v2: '/sys/fs/cgroup/app' });
    // The process lives outside the mounted sub-tree: unusable.
    expect(ownCgroups(mountinfo, '0::/elsewhere\n').v2).toBeNull();
  });

  it('decodes escaped mount points and ignores hierarchies without a mount', () => {
    const mountinfo = '35 31 0:32 / /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory';
    const own = ownCgroups(mountinfo, '4:memory:/a\n3:blkio:/b\n');
    expect([...own.v1]).toEqual([['memory', '/sys/fs/cgroup/my memory/a']]);
  });
});
