import { describe, expect, it } from 'vitest';
import { unreachableReason } from './reachability.js';

const SANDBOX = { uid: 10001, gid: 10001 };

function fakeStat(modes: Record<string, [number, number, number]>) {
  return (path: string) => {
    const entry = modes[path];
    if (!entry) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    const [uid, gid, mode] = entry;
    return { uid, gid, mode };
  };
}

describe('unreachableReason', () => {
  const tree = {
    '/': [0, 0, 0o755],
    '/var': [0, 0, 0o755],
    '/var/lib': [0, 0, 0o755],
    '/var/lib/fngraph': [0, 0, 0o700],
    '/var/lib/fngraph/deps': [0, 0, 0o755],
    '/srv': [0, 0, 0o711],
    '/srv/deps': [0, 0, 0o755],
    '/home/app': [10001, 10001, 0o700],
    '/home': [0, 0, 0o755],
    '/opt': [0, 10001, 0o750],
    '/opt/deps': [0, 0, 0o750],
  } satisfies Record<string, [number, number, number]>;
  const stat = fakeStat(tree);

  it('accepts directories the sandbox user can traverse to and read', () => {
    expect(unreachableReason('/srv/deps', SANDBOX, stat)).toBeNull();
    expect(unreachableReason('/home/app', SANDBOX, stat)).toBeNull();
  });

  it('names the parent that blocks the way, or the unreadable directory', () => {
    expect(unreachableReason('/var/lib/fngraph/deps', SANDBOX, stat)).toMatch(/^\/var\/lib\/fngraph is not traversable by uid 10001/);
    expect(unreachableReason('/opt/deps', SANDBOX, stat)).toBe('/opt/deps is not readable by uid 10001');
    expect(unreachableReason('/missing', SANDBOX, stat)).toMatch(/ENOENT/);
  });
});
