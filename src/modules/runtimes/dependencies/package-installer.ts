import type { DependencySet, PackageManager } from './dependency-set.js';
import type { HostCommandResult } from '@/adapters/packages/host-command.js';

/** What an installer gets for one build. */
export interface InstallRequest {
  set: DependencySet;
  /** Empty work directory; the result must end up in `<dir>/<installer.modulesDir>`. */
  dir: string;
  timeoutMs: number;
  onLine: (line: string) => void;
  signal: AbortSignal;
}

/** One package manager, run on the host with a scrubbed environment and no install scripts. */
export abstract class PackageInstaller {
  abstract readonly manager: PackageManager;
  /** Sub-directory of a dependencies directory that holds the installed packages. */
  abstract readonly modulesDir: string;
  abstract install(request: InstallRequest): Promise<HostCommandResult>;
}
