import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@/config/app-config.js';
import { SHIMS_DIR } from '@/modules/runtimes/shim-paths.js';
import { type RuntimeId, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { SandboxDriver, type SandboxExit, type SandboxHandle, type SandboxSpec } from '../../sandbox-driver.js';

/**
 * Runs each sandbox as a child process with an empty environment. The V8 heap is
 * capped at the function's memory limit; the process is killed on timeout by the pool.
 */
@Injectable()
export class ProcessSandboxDriver extends SandboxDriver {
  readonly kind = 'process' as const;
  private readonly logger = new Logger(ProcessSandboxDriver.name);

  constructor(private readonly config: AppConfig) {
    super();
  }

  async availableRuntimes(): Promise<RuntimeId[]> {
    return ['nodejs20'];
  }

  /** The Node.js binary sandboxes run is there and executable. */
  override async check(): Promise<void> {
    await access(this.config.sandboxNodeBinary, constants.X_OK).catch(() => {
      throw new Error(`The sandbox Node.js binary ${this.config.sandboxNodeBinary} is not executable`);
    });
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    const runtime = runtimeDefinition(spec.runtime);
    const { interpreter, args } = runtime.command(join(SHIMS_DIR, runtime.shim), spec.memoryLimitMb);
    const binary = interpreter === 'node' ? this.config.sandboxNodeBinary : this.config.sandboxPythonBinary;
    const child = spawn(binary, args, { env: {}, cwd: '/', stdio: ['pipe', 'pipe', 'pipe'], detached: false });
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, oomKilled: false }));
      child.once('error', (error) => {
        this.logger.error(`Sandbox ${spec.label} failed to start: ${error.message}`);
        resolve({ code: null, signal: null, oomKilled: false });
      });
    });
    return {
      dependenciesPath: spec.dependenciesDir,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
      memoryPeakBytes: async () => null,
    };
  }
}
