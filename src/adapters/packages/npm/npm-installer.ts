import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { npmManifest } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type HostCommandResult, runHostCommand } from '@/adapters/packages/host-command.js';
import { type InstallRequest, PackageInstaller } from '@/modules/runtimes/dependencies/package-installer.js';

/**
 * `npm install` of a dependency set into `<dir>/node_modules`. Install scripts never run
 * (they would run on the host, not in a sandbox); packages that need them fail to load
 * later, inside the sandbox, which is the safe side.
 */
@Injectable()
export class NpmInstaller extends PackageInstaller {
  readonly manager = 'npm' as const;
  readonly modulesDir = 'node_modules';

  constructor(private readonly config: AppConfig) {
    super();
  }

  async install(request: InstallRequest): Promise<HostCommandResult> {
    await writeFile(join(request.dir, 'package.json'), npmManifest(request.set));
    const args = [
      'install',
      '--prefix',
      request.dir,
      '--omit=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--no-update-notifier',
      '--no-progress',
    ];
    request.onLine(`$ npm ${args.join(' ')}`);
    return runHostCommand({
      command: this.config.dependencyBuild.npmBinary,
      args,
      cwd: request.dir,
      env: this.config.dependencyBuild.environment,
      timeoutMs: request.timeoutMs,
      onLine: request.onLine,
      signal: request.signal,
    });
  }
}
