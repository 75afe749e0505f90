import { Injectable } from '@nestjs/common';
import type { PackageManager } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type PackageInstaller, PackageInstallers } from '@/modules/runtimes/dependencies/package-installer.js';
import { NpmInstaller } from './npm/npm-installer.js';
import { PipInstaller } from './pip/pip-installer.js';

/** npm and pip, run on this host (see each installer). */
@Injectable()
export class HostPackageInstallers extends PackageInstallers {
  private readonly byManager: Record<PackageManager, PackageInstaller>;

  constructor(npm: NpmInstaller, pip: PipInstaller) {
    super();
    this.byManager = { npm, pip };
  }

  of(manager: PackageManager): PackageInstaller {
    return this.byManager[manager];
  }
}
