import { describe, expect, it } from 'vitest';
import { type PathKind, planFilesystem } from './sandbox-filesystem.js';

function fakeFs(entries: Record<string, PathKind>): (path: string) => PathKind {
  return (path) => entries[path] ?? { kind: 'missing' };
}

const MERGED_USR = fakeFs({
  '/usr': { kind: 'directory' },
  '/lib': { kind: 'symlink', target: 'usr/lib' },
  '/lib64': { kind: 'symlink', target: 'usr/lib64' },
  '/bin': { kind: 'symlink', target: 'usr/bin' },
  '/opt/node-v20/lib': { kind: 'directory' },
});

describe('planFilesystem', () => {
  it('binds /usr, links the merged-/usr directories and mounts the shims', () => {
    const plan = planFilesystem(
      { interpreters: ['/usr/bin/node', '/usr/bin/python3.11'], shimsDir: '/srv/app/shims', secret: ['/srv/app', '/var/lib/fngraph'] },
      MERGED_USR,
    );
    expect(plan).toEqual({
      readOnlyBinds: ['/usr'],
      symlinks: [
        { path: '/lib', target: 'usr/lib' },
        { path: '/lib64', target: 'usr/lib64' },
        { path: '/bin', target: 'usr/bin' },
      ],
      binds: [{ source: '/srv/app/shims', path: '/opt/fngraph/shims' }],
      hidden: [],
    });
  });

  it('adds the bin and lib directories of an interpreter outside the system directories', () => {
    const plan = planFilesystem({ interpreters: ['/opt/node-v20/bin/node'], shimsDir: '/s', secret: [] }, MERGED_USR);
    expect(plan.binds).toEqual([
      { source: '/opt/node-v20/bin', path: '/opt/node-v20/bin' },
      { source: '/opt/node-v20/lib', path: '/opt/node-v20/lib' },
      { source: '/s', path: '/opt/fngraph/shims' },
    ]);
  });

  it('covers secret paths inside bound directories, re-exposing an interpreter living there', () => {
    const plan = planFilesystem(
      {
        interpreters: ['/usr/src/app/node_modules/node/bin/node'],
        shimsDir: '/usr/src/app/dist/shims',
        secret: ['/usr/src/app', '/usr/src/app/data', '/data'],
      },
      MERGED_USR,
    );
    expect(plan.hidden).toEqual(['/usr/src/app', '/usr/src/app/data']);
    expect(plan.binds.map((d) => d.path)).toEqual(['/usr/src/app/node_modules/node/bin', '/opt/fngraph/shims']);
  });
});
