import { Injectable, Logger } from '@nestjs/common';
import type { ExecutionTarget } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { describeEntryPoint, entryPointOf } from '@/modules/runtimes/code/entry-point.js';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';
import { VersionCodeFolders } from './version-code-folders.js';
import type { FunctionVersionRecord, VersionSecrets } from './version.record.js';

/** Lines of the load error's stack kept in the build log. */
const MAX_STACK_LINES = 20;

type CheckedVersion = Pick<
  FunctionVersionRecord,
  'id' | 'functionId' | 'version' | 'language' | 'runtime' | 'codeFormat' | 'codeHash' | 'handler' | 'eventFormat' | 'timeoutSeconds' | 'memoryLimitMb'
>;

/**
 * The export check of registration: the version is loaded once in a sandbox isolated as
 * for invocations (module-level code runs, bounded by the function's timeout), and must
 * load and export what its entry point names. One `handler.py` keeps its parse-only check
 * (nothing runs at registration, as before); everything else is loaded.
 */
@Injectable()
export class VersionLoadCheck {
  private readonly logger = new Logger(VersionLoadCheck.name);

  constructor(
    private readonly executor: ExecutorService,
    private readonly folders: VersionCodeFolders,
  ) {}

  appliesTo(record: Pick<FunctionVersionRecord, 'language' | 'codeFormat' | 'handler'>): boolean {
    return record.language !== 'python' || record.codeFormat !== 'source' || record.handler !== null;
  }

  /** Why the version cannot run (for its build log), or null when it loaded or could not be checked here. */
  async failureOf(record: CheckedVersion, secrets: VersionSecrets, dependenciesDir: string | null): Promise<string | null> {
    if (!this.appliesTo(record)) return null;
    const entry = secrets.entry ?? entryPointOf(record.language, record.handler);
    const target: ExecutionTarget = {
      versionId: record.id,
      functionId: record.functionId,
      functionName: `check-${record.functionId}`,
      ownerId: '',
      version: record.version,
      runtime: record.runtime as RuntimeId,
      artifact: secrets.artifact,
      entry,
      entryFile: secrets.entryFile,
      codeDir: await this.folders.directoryOf(record, secrets),
      environment: secrets.environmentVariables,
      // Loaded as it will be called; without network access: the check runs no request.
      eventFormat: record.eventFormat,
      dependenciesDir,
      timeoutMs: record.timeoutSeconds * 1000,
      memoryLimitMb: record.memoryLimitMb,
      minInstances: 0,
      maxInstances: 1,
      concurrency: 1,
    };
    let error;
    try {
      error = await this.executor.checkLoad(target);
    } catch (failure) {
      // No sandbox could start (a runtime missing here, an engine down): the check is the
      // sandbox's, not the code's; invocations report the same failure if it persists.
      this.logger.warn(`The entry point of version ${record.id} was not checked: ${(failure as Error).message}`);
      return null;
    }
    if (error === null) return null;
    const reason = `The function does not load (entry point ${describeEntryPoint(entry)}): ${error.type}: ${error.message}`;
    const stack = error.stack?.split('\n').slice(0, MAX_STACK_LINES).join('\n');
    return stack ? `${reason}\n${stack}` : reason;
  }
}
