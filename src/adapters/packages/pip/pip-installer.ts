import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { pipRequirements } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type HostCommandResult, runHostCommand } from '@/adapters/packages/host-command.js';
import { type InstallRequest, PackageInstaller } from '@/modules/runtimes/dependencies/package-installer.js';

/**
 * `pip install --target <dir>/site-packages` of a dependency set. Wheels only: a source
 * distribution would run its build code on the host. Wheels are chosen for the sandbox's
 * Python version, whichever Python runs pip.
 */
@Injectable()
export class PipInstaller extends PackageInstaller {
  readonly manager = 'pip' as const;
  readonly modulesDir = 'site-packages';

  constructor(private readonly config: AppConfig) {
    super();
  }

  async install(request: InstallRequest): Promise<HostCommandResult> {
    await writeFile(join(request.dir, 'requirements.txt'), pipRequirements(request.set));
    const pythonVersion = /^python(\d+\.\d+)$/.exec(request.set.runtime)?.[1];
    const args = [
      // Isolated: no user site-packages, no PYTHON* variables, not the work directory on sys.path.
      '-I',
      '-m',
      'pip',
      'install',
      '--target',
      join(request.dir, this.modulesDir),
      '--only-binary=:all:',
      ...(pythonVersion ? ['--python-version', pythonVersion] : []),
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--no-input',
      '--root-user-action=ignore',
      '--progress-bar',
      'off',
      '-r',
      join(request.dir, 'requirements.txt'),
    ];
    request.onLine(`$ python3 ${args.join(' ')}`);
    return runHostCommand({
      command: this.config.dependencyBuild.pythonBinary,
      args,
      cwd: request.dir,
      env: this.config.dependencyBuild.environment,
      timeoutMs: request.timeoutMs,
      onLine: request.onLine,
      signal: request.signal,
    });
  }
}
