import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { npmManifest } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type InstallOutcome, type InstallRequest, PackageInstaller } from '@/modules/runtimes/dependencies/package-installer.js';
import { npmRegistry } from '@/adapters/packages/registries.js';
import { startRegistryProxy, upstreamProxies } from '@/adapters/packages/registry-proxy.js';
import { SCRATCH_DIR, ToolSandbox } from '@/adapters/packages/sandboxed/tool-sandbox.js';
import { lockedName, verifyLockfile } from './npm-lockfile.js';

/**
 * npm settings passed on from the build environment: credentials and TLS for the
 * registry, network tuning. The others (registry, proxies, scripts, prefixes, lockfile
 * options...) are the build's own.
 */
const PASSED_SETTINGS =
  /^npm_config_(\/\/.+|_auth.*|always_auth|ca|cafile|cert|key|strict_ssl|fetch_retries|fetch_retry_\w+|fetch_timeout|maxsockets|user_agent)$/i;

/**
 * An npm install in three steps, each in the tool sandbox, each fetching only through a
 * proxy that lets it reach the configured registry: resolve the set to a lockfile
 * (nothing installed, no scripts), check that every package in it is a tarball from that
 * registry, then `npm ci` exactly that lockfile. Install scripts never run; a package
 * that needs one fails the build with the reason rather than failing at every call.
 */
@Injectable()
export class NpmInstaller extends PackageInstaller {
  readonly manager = 'npm' as const;
  readonly modulesDir = 'node_modules';
  private registry: Promise<string> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly sandbox: ToolSandbox,
  ) {
    super();
  }

  async install(request: InstallRequest): Promise<InstallOutcome> {
    this.registry ??= npmRegistry(this.config.dependencyBuild.npmBinary, this.config.dependencyBuild.environment);
    const registry = await this.registry;
    await writeFile(join(request.dir, 'package.json'), npmManifest(request.set));
    await this.sandbox.lend(request.dir);
    const proxy = await startRegistryProxy({
      allowed: [registry],
      upstream: upstreamProxies(this.config.dependencyBuild.environment),
      onRefused: (target) => request.onLine(`Refused to fetch ${target}: not on the configured registry ${registry}`),
    });
    try {
      const common = ['--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--no-progress'];
      const npm = (args: string[]) => {
        request.onLine(`$ npm ${args.join(' ')}`);
        return this.sandbox.run({
          tool: 'npm',
          args,
          workDir: request.dir,
          network: true,
          env: this.environment(registry, proxy.url),
          readOnlyFiles: this.certificateFiles(),
          timeoutMs: request.timeoutMs,
          onLine: request.onLine,
          signal: request.signal,
        });
      };
      const resolved = await npm(['install', '--package-lock-only', '--omit=dev', ...common]);
      const refusal = proxy.refused.length > 0 ? `${proxy.refused[0]} is not on the configured registry ${registry}; only its packages are installed` : null;
      if (resolved.code !== 0 || resolved.timedOut || resolved.aborted || resolved.startError || refusal) {
        const why =
          refusal ??
          (resolved.code !== 0 && resolved.code !== null
            ? `npm exited with code ${resolved.code} resolving the set from ${registry} (only its packages are installed: git, file and URL dependencies are not)`
            : null);
        return { ...resolved, refusal: why };
      }
      const lockfile = JSON.parse(await readFile(join(request.dir, 'package-lock.json'), 'utf8')) as unknown;
      const verdict = verifyLockfile(lockfile, registry);
      if (verdict.problems.length > 0) {
        for (const problem of verdict.problems) request.onLine(`Refused: ${problem}`);
        return { ...resolved, refusal: verdict.problems[0]! + more(verdict.problems.length - 1) };
      }
      const installed = await npm(['ci', '--omit=dev', ...common]);
      if (installed.code !== 0 || verdict.needScripts.length === 0) return installed;
      const reasons = await Promise.all(verdict.needScripts.map((path) => this.scriptReason(request.dir, path)));
      for (const reason of reasons) request.onLine(reason);
      return { ...installed, refusal: reasons[0]! + more(reasons.length - 1) };
    } finally {
      await proxy.close();
      await this.sandbox.reclaim(request.dir);
      await rm(join(request.dir, SCRATCH_DIR), { recursive: true, force: true });
    }
  }

  private environment(registry: string, proxy: string): Record<string, string> {
    const passed = Object.entries(this.config.dependencyBuild.environment).filter(
      ([name]) => PASSED_SETTINGS.test(name) || /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/.test(name),
    );
    return {
      ...Object.fromEntries(passed),
      npm_config_registry: registry,
      npm_config_proxy: proxy,
      npm_config_https_proxy: proxy,
      npm_config_noproxy: '',
      // Git dependencies are refused: the git npm would run is a command that fails.
      npm_config_git: '/bin/false',
      npm_config_update_notifier: 'false',
      // The check needs every package's URL in the lockfile.
      npm_config_omit_lockfile_registry_resolved: 'false',
    };
  }

  /** CA bundles the environment names, which the sandboxed npm must read. */
  private certificateFiles(): string[] {
    const environment = this.config.dependencyBuild.environment;
    return Object.entries(environment)
      .filter(([name]) => /^(npm_config_cafile|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE)$/i.test(name))
      .map(([, value]) => value);
  }

  /** "x needs an install script (node-gyp rebuild); ...", from the package as installed. */
  private async scriptReason(dir: string, path: string): Promise<string> {
    let manifest: { name?: string; scripts?: Record<string, string> } = {};
    try {
      manifest = JSON.parse(await readFile(join(dir, path, 'package.json'), 'utf8')) as typeof manifest;
    } catch {
      // Described from the lockfile alone.
    }
    const scripts = manifest.scripts ?? {};
    const script =
      scripts.preinstall ?? scripts.install ?? scripts.postinstall ?? (existsSync(join(dir, path, 'binding.gyp')) ? 'node-gyp rebuild' : 'an install script');
    return `${lockedName(path, manifest)} needs an install script (${script}); install scripts are not run`;
  }
}

function more(count: number): string {
  return count > 0 ? ` (and ${count} more, above)` : '';
}
