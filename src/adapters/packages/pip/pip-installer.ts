import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { pipRequirements } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type InstallOutcome, type InstallRequest, PackageInstaller } from '@/modules/runtimes/dependencies/package-installer.js';
import { pipIndexes } from '@/adapters/packages/registries.js';
import { startRegistryProxy, upstreamProxies } from '@/adapters/packages/registry-proxy.js';
import { SCRATCH_DIR, ToolSandbox } from '@/adapters/packages/sandboxed/tool-sandbox.js';
import { pinnedRequirements, verifyPipReport } from './pip-report.js';

/** pip settings passed on from the build environment; the others (find-links, config files, targets...) are the build's own. */
const PASSED_SETTINGS = new Set([
  'PIP_CERT',
  'PIP_CLIENT_CERT',
  'PIP_DEFAULT_TIMEOUT',
  'PIP_RETRIES',
  'PIP_TRUSTED_HOST',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
]);
const REPORT_FILE = join(SCRATCH_DIR, 'pip-report.json');
const PINNED_FILE = join(SCRATCH_DIR, 'pinned-requirements.txt');

/**
 * A pip install in two steps in the tool sandbox, fetching only through a proxy that
 * lets it reach the configured index: resolve (`--dry-run --report`: nothing installed),
 * check that every distribution is a wheel the index chose, then install exactly those
 * files (`name==version --hash`, `--no-deps --require-hashes`) into
 * `<dir>/site-packages`. Wheels only: a source distribution would run its build code.
 * Wheels are chosen for the sandbox's Python version, whichever Python runs pip.
 */
@Injectable()
export class PipInstaller extends PackageInstaller {
  readonly manager = 'pip' as const;
  readonly modulesDir = 'site-packages';

  constructor(
    private readonly config: AppConfig,
    private readonly sandbox: ToolSandbox,
  ) {
    super();
  }

  async install(request: InstallRequest): Promise<InstallOutcome> {
    const indexes = pipIndexes(this.config.dependencyBuild.environment);
    await writeFile(join(request.dir, 'requirements.txt'), pipRequirements(request.set));
    await this.sandbox.lend(request.dir);
    const proxy = await startRegistryProxy({
      allowed: indexes.allowed,
      upstream: upstreamProxies(this.config.dependencyBuild.environment),
      onRefused: (target) => request.onLine(`Refused to fetch ${target}: not on the configured index ${indexes.index}`),
    });
    const pythonVersion = /^python(\d+\.\d+)$/.exec(request.set.runtime)?.[1];
    try {
      const pip = (args: string[]) => {
        const all = [
          // Isolated: no user site-packages, no PYTHON* variables, not the work directory on sys.path.
          '-I',
          '-m',
          'pip',
          'install',
          '--target',
          this.modulesDir,
          '--only-binary=:all:',
          ...(pythonVersion ? ['--python-version', pythonVersion] : []),
          '--index-url',
          indexes.index,
          ...indexes.extra.flatMap((url) => ['--extra-index-url', url]),
          '--proxy',
          proxy.url,
          '--no-cache-dir',
          '--disable-pip-version-check',
          '--no-input',
          '--root-user-action=ignore',
          '--progress-bar',
          'off',
          ...args,
        ];
        request.onLine(`$ python3 ${all.join(' ')}`);
        return this.sandbox.run({
          tool: 'python',
          args: all,
          workDir: request.dir,
          network: true,
          env: this.environment(),
          readOnlyFiles: this.certificateFiles(),
          timeoutMs: request.timeoutMs,
          onLine: request.onLine,
          signal: request.signal,
        });
      };
      const resolved = await pip(['--dry-run', '--ignore-installed', '--report', REPORT_FILE, '-r', 'requirements.txt']);
      const refusal = proxy.refused.length > 0 ? `${proxy.refused[0]} is not on the configured index ${indexes.index}; only its wheels are installed` : null;
      if (resolved.code !== 0 || resolved.timedOut || resolved.aborted || resolved.startError || refusal) {
        const why =
          refusal ??
          (resolved.code !== 0 && resolved.code !== null
            ? `pip exited with code ${resolved.code} resolving the set to wheels from ${indexes.index} (source distributions are not built: building one runs its code)`
            : null);
        return { ...resolved, refusal: why };
      }
      const verdict = verifyPipReport(JSON.parse(await readFile(join(request.dir, REPORT_FILE), 'utf8')), indexes.allowed);
      if (verdict.problems.length > 0) {
        for (const problem of verdict.problems) request.onLine(`Refused: ${problem}`);
        const others = verdict.problems.length - 1;
        return { ...resolved, refusal: verdict.problems[0]! + (others > 0 ? ` (and ${others} more, above)` : '') };
      }
      await writeFile(join(request.dir, PINNED_FILE), pinnedRequirements(verdict.pinned));
      return await pip(['--no-deps', '--require-hashes', '-r', PINNED_FILE]);
    } finally {
      await proxy.close();
      await this.sandbox.reclaim(request.dir);
      await rm(join(request.dir, SCRATCH_DIR), { recursive: true, force: true });
    }
  }

  private environment(): Record<string, string> {
    const environment = this.config.dependencyBuild.environment;
    const passed = Object.entries(environment).filter(([name]) => PASSED_SETTINGS.has(name));
    // No pip configuration file of the host (none is visible in the sandbox anyway).
    return { ...Object.fromEntries(passed), PIP_CONFIG_FILE: '/dev/null' };
  }

  /** CA bundles the environment names, which the sandboxed pip must read. */
  private certificateFiles(): string[] {
    const environment = this.config.dependencyBuild.environment;
    return ['PIP_CERT', 'PIP_CLIENT_CERT', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'].flatMap((name) => (environment[name] ? [environment[name]] : []));
  }
}
