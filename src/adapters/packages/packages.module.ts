import { Module } from '@nestjs/common';
import { PackageInstallers } from '@/modules/runtimes/dependencies/package-installer.js';
import { PythonSourceChecker } from '@/modules/runtimes/python-source-checker.js';
import { NpmInstaller } from './npm/npm-installer.js';
import { HostPackageInstallers } from './package-installers.js';
import { PipInstaller } from './pip/pip-installer.js';
import { PythonSyntaxChecker } from './python/python-syntax-checker.js';
import { ToolSandbox } from './sandboxed/tool-sandbox.js';

/** The tools that build what sandboxes load, themselves sandboxed: npm, pip, and Python's parser for syntax checks. */
@Module({
  providers: [
    ToolSandbox,
    NpmInstaller,
    PipInstaller,
    { provide: PackageInstallers, useClass: HostPackageInstallers },
    { provide: PythonSourceChecker, useClass: PythonSyntaxChecker },
  ],
  exports: [PackageInstallers, PythonSourceChecker],
})
export class PackagesModule {}
