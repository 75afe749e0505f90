import { describe, expect, it } from 'vitest';
import { type BwrapLayout, bwrapArguments } from './bwrap-arguments.js';

const LAYOUT: BwrapLayout = {
  readOnlyBinds: ['/usr'],
  symlinks: [{ path: '/lib', target: 'usr/lib' }],
  binds: [
    { source: '/srv/fngraph/shims', path: '/opt/fngraph/shims' },
    { source: '/srv/data/deps/3f2a', path: '/opt/fngraph/deps' },
  ],
  hidden: ['/usr/src/app'],
  tmpBytes: 64 * 1024 * 1024,
  env: { HOME: '/tmp' },
  sync: { infoFd: 3, blockFd: 4 },
  features: { disableUserns: true, tmpfsSize: true },
};

/** The values following each occurrence of `option`. */
function valuesOf(args: string[], option: string, count = 1): string[][] {
  return args.flatMap((arg, i) => (arg === option ? [args.slice(i + 1, i + 1 + count)] : []));
}

describe('bwrapArguments', () => {
  const args = bwrapArguments(LAYOUT, ['/usr/bin/node', '/opt/fngraph/shims/node/shim.cjs']);

  it('isolates every namespace and scrubs the environment', () => {
    for (const option of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']) {
      expect(args).toContain(option);
    }
    expect(args).not.toContain('--share-net');
    expect(valuesOf(args, '--setenv', 2)).toEqual([['HOME', '/tmp']]);
  });

  it('binds only what it is given, read-only, and never the host root', () => {
    expect(valuesOf(args, '--ro-bind', 2)).toEqual([
      ['/usr', '/usr'],
      ['/srv/fngraph/shims', '/opt/fngraph/shims'],
      ['/srv/data/deps/3f2a', '/opt/fngraph/deps'],
    ]);
    expect(args).not.toContain('--bind');
    expect(args).not.toContain('--dev-bind');
    expect(valuesOf(args, '--symlink', 2)).toEqual([['usr/lib', '/lib']]);
  });

  it('covers hidden paths after the binds, and keeps only /tmp writable', () => {
    const hide = args.indexOf('/usr/src/app');
    expect(args[hide - 1]).toBe('--tmpfs');
    expect(hide).toBeGreaterThan(args.indexOf('/usr'));
    expect(hide).toBeLessThan(args.indexOf('/srv/fngraph/shims'));
    expect(args.lastIndexOf('/usr/src/app')).toBeGreaterThan(args.indexOf('/opt/fngraph/deps'));
    expect(valuesOf(args, '--remount-ro')).toEqual([['/usr/src/app'], ['/dev'], ['/']]);
    const tmp = args.indexOf('/tmp');
    expect(args.slice(tmp - 3, tmp)).toEqual(['--size', String(64 * 1024 * 1024), '--tmpfs']);
  });

  it('mounts the private /tmp before the binds, so that one under /tmp stays visible', () => {
    const underTmp = bwrapArguments({ ...LAYOUT, binds: [{ source: '/tmp/checkout/.fngraph/node/24/bin', path: '/tmp/checkout/.fngraph/node/24/bin' }] }, [
      'x',
    ]);
    expect(underTmp.indexOf('/tmp')).toBeLessThan(underTmp.indexOf('/tmp/checkout/.fngraph/node/24/bin'));
    expect(underTmp.indexOf('/tmp')).toBeLessThan(underTmp.indexOf('/usr/src/app'));
  });

  it('for a tool: keeps the host network only when asked, and binds its work folder writable after the hidden paths', () => {
    const tool = bwrapArguments(
      { ...LAYOUT, network: 'host', writableBinds: [{ source: '/srv/data/deps/nodejs20/.building-x', path: '/build' }], chdir: '/build' },
      ['npm'],
    );
    expect(tool.slice(0, 3)).toEqual(['--unshare-all', '--unshare-user', '--share-net']);
    expect(valuesOf(tool, '--bind', 2)).toEqual([['/srv/data/deps/nodejs20/.building-x', '/build']]);
    const bind = tool.indexOf('--bind');
    expect(bind).toBeGreaterThan(tool.lastIndexOf('/usr/src/app'));
    expect(bind).toBeLessThan(tool.lastIndexOf('--remount-ro'));
    expect(valuesOf(tool, '--chdir')).toEqual([['/build']]);
    expect(valuesOf(args, '--chdir')).toEqual([['/tmp']]);
  });

  it('leaves out options an older bubblewrap does not know', () => {
    const old = bwrapArguments({ ...LAYOUT, features: { disableUserns: false, tmpfsSize: false } }, ['x']);
    expect(old).not.toContain('--disable-userns');
    expect(old).not.toContain('--size');
    expect(old).toContain('--unshare-user');
  });

  it('ends with the synchronisation descriptors and the command', () => {
    expect(args.slice(-7)).toEqual(['--info-fd', '3', '--block-fd', '4', '--', '/usr/bin/node', '/opt/fngraph/shims/node/shim.cjs']);
    expect(bwrapArguments({ ...LAYOUT, sync: undefined }, ['x'])).not.toContain('--info-fd');
  });
});
