import { describe, expect, it } from 'vitest';
import { type ContainerSpecInput, containerSpec } from './container-spec.js';

const INPUT: ContainerSpecInput = {
  name: 'fngraph-abc-1',
  image: 'fngraph/runtime-node:20',
  command: ['node', '/opt/fngraph/shims/node/shim.cjs'],
  memoryLimitMb: 128,
  cpus: 0.5,
  pidsLimit: 64,
  user: '10001:10001',
  tmpMb: 64,
  shimsDir: '/srv/fngraph/shims',
  dependenciesDir: '/srv/data/deps/3f2a',
  labels: { 'fngraph.managed': '1' },
};

describe('containerSpec', () => {
  const spec = containerSpec(INPUT);
  const host = spec.HostConfig ?? {};

  it('hardens the container', () => {
    expect(spec.NetworkDisabled).toBe(true);
    expect(host).toMatchObject({
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      PidsLimit: 64,
      Memory: 128 * 1024 * 1024,
      MemorySwap: 128 * 1024 * 1024,
      NanoCpus: 500_000_000,
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=64m' },
      LogConfig: { Type: 'none' },
    });
    expect(spec.User).toBe('10001:10001');
    expect(host.CapAdd).toBeUndefined();
    expect(host.Devices).toBeUndefined();
  });

  it('mounts only the shims and dependencies, read-only, and never the Docker socket', () => {
    expect(host.Binds).toEqual(['/srv/fngraph/shims:/opt/fngraph/shims:ro', '/srv/data/deps/3f2a:/opt/fngraph/deps:ro']);
    expect(JSON.stringify(spec)).not.toContain('docker.sock');
    expect(containerSpec({ ...INPUT, dependenciesDir: null }).HostConfig?.Binds).toEqual(['/srv/fngraph/shims:/opt/fngraph/shims:ro']);
  });

  it('gives network access as the egress socket directory only: still no network, no interface', () => {
    const withNetwork = containerSpec({ ...INPUT, egressSocketDir: '/tmp/fngraph-egress-x1' });
    expect(withNetwork.HostConfig?.Binds).toContain('/tmp/fngraph-egress-x1:/opt/fngraph/egress:ro');
    expect(withNetwork.NetworkDisabled).toBe(true);
    expect(withNetwork.HostConfig?.NetworkMode).toBe('none');
  });

  it('keeps stdin open without a TTY for the shim protocol', () => {
    expect(spec).toMatchObject({ OpenStdin: true, StdinOnce: false, Tty: false, AttachStdin: true });
  });

  it('refuses to run as root', () => {
    for (const user of ['0', '0:0', 'root', 'root:root']) expect(() => containerSpec({ ...INPUT, user })).toThrow(/root/);
  });
});
