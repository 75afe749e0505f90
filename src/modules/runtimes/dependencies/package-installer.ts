import type { DependencySet, PackageManager } from './dependency-set.js';

/** What an installer gets for one build. */
export interface InstallRequest {
  set: DependencySet;
  /** Empty work directory; the result must end up in `<dir>/<installer.modulesDir>`. */
  dir: string;
  timeoutMs: number;
  onLine: (line: string) => void;
  signal: AbortSignal;
}

/** How an install ended (never a rejection: failures are outcomes with the log that explains them). */
export interface InstallOutcome {
  /** Exit code, or null when killed or not started. */
  code: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the package manager could not be started at all (e.g. not installed). */
  startError: Error | null;
  /**
   * Why the installer refused the set although the package manager ran (a package from
   * outside the configured registry, one that needs its install script...).
   */
  refusal?: string | null;
}

/** One package manager, run sandboxed with a scrubbed environment and no install scripts. */
export abstract class PackageInstaller {
  abstract readonly manager: PackageManager;
  /** Sub-directory of a dependencies directory that holds the installed packages. */
  abstract readonly modulesDir: string;
  abstract install(request: InstallRequest): Promise<InstallOutcome>;
}

/** Port: the installer of each package manager (npm, pip). */
export abstract class PackageInstallers {
  abstract of(manager: PackageManager): PackageInstaller;
}
