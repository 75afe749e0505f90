/** The sandbox's filesystem and process set-up, as bubblewrap options. */
export interface BwrapLayout {
  /** Host directories bound read-only at the same path (`/usr`). */
  readOnlyBinds: readonly string[];
  /** Symbolic links in the sandbox root, e.g. `/lib` → `usr/lib` on merged-/usr systems. */
  symlinks: readonly { path: string; target: string }[];
  /**
   * Host directories bound read-only at a sandbox path (interpreter, shims,
   * dependencies), after the hidden paths are covered. The sandbox user must be able
   * to reach them: bwrap resolves them with its permissions.
   */
  binds: readonly { source: string; path: string }[];
  /**
   * Host directories bound writable at a sandbox path, after everything else (a
   * dependency build's own work folder). Function sandboxes have none.
   */
  writableBinds?: readonly { source: string; path: string }[];
  /**
   * `isolated` (default): a network namespace of its own, loopback only. `host`: the
   * host's network, for dependency builds that must reach their registry.
   */
  network?: 'isolated' | 'host';
  /** Working directory of the command (default `/tmp`). */
  chdir?: string;
  /** Paths inside bound directories covered by an empty read-only tmpfs (the data dir...). */
  hidden: readonly string[];
  tmpBytes: number;
  env: Readonly<Record<string, string>>;
  /** bwrap writes the sandbox's pid here, then (with `blockFd`) waits on `blockFd` before running the command. */
  sync?: { infoFd: number; blockFd?: number };
  /** Options this bwrap build knows (`--disable-userns` is 0.8+, `--size` 0.7+). */
  features: { disableUserns: boolean; tmpfsSize: boolean };
}

/**
 * bubblewrap arguments for one sandbox: every namespace new (network: loopback only,
 * user: no further user namespaces), an empty root with only the given directories
 * read-only, a private tmpfs /tmp, a fresh /proc and minimal /dev, no environment.
 */
export function bwrapArguments(layout: BwrapLayout, command: readonly string[]): string[] {
  const args = ['--unshare-all', '--unshare-user'];
  if (layout.network === 'host') args.push('--share-net');
  if (layout.features.disableUserns) args.push('--disable-userns');
  args.push('--die-with-parent', '--new-session', '--clearenv');
  args.push('--hostname', 'fngraph');
  for (const dir of layout.readOnlyBinds) args.push('--ro-bind', dir, dir);
  for (const { path, target } of layout.symlinks) args.push('--symlink', target, path);
  // tmpfs pages count towards the memory limit either way; the size caps them earlier.
  // The private /tmp comes before the binds: one under /tmp (an interpreter in a checkout
  // there, like the Node.js the scripts install under .fngraph/) would be covered otherwise.
  const size = (bytes: number) => (layout.features.tmpfsSize ? ['--size', String(bytes)] : []);
  args.push(...size(layout.tmpBytes), '--tmpfs', '/tmp');
  // Hidden paths become empty before the other binds, which may need to create their
  // mount points inside them, and read-only after.
  for (const path of layout.hidden) args.push('--tmpfs', path);
  for (const { source, path } of layout.binds) args.push('--ro-bind', source, path);
  for (const path of layout.hidden) args.push('--remount-ro', path);
  // After the hidden paths, so that none covers them; before the root turns read-only,
  // which would forbid creating their mount points.
  for (const { source, path } of layout.writableBinds ?? []) args.push('--bind', source, path);
  args.push('--proc', '/proc', '--dev', '/dev', ...size(Math.min(layout.tmpBytes, 16 * 1024 * 1024)), '--tmpfs', '/dev/shm');
  // The root (a tmpfs bwrap made) and /dev must not be writable either.
  args.push('--remount-ro', '/dev', '--remount-ro', '/', '--chdir', layout.chdir ?? '/tmp');
  for (const [name, value] of Object.entries(layout.env)) args.push('--setenv', name, value);
  if (layout.sync) args.push('--info-fd', String(layout.sync.infoFd));
  if (layout.sync?.blockFd !== undefined) args.push('--block-fd', String(layout.sync.blockFd));
  args.push('--', ...command);
  return args;
}
