import { FunctionVersionsDocument, UpdateFunctionDocument, VersionCodeDocument, type UpdateFunctionInput } from '@fngraph/sdk';
import { waitForBuild } from '../build-wait.js';
import type { CommandContext } from '../context.js';
import { ExitCode, ReportedFailure, usageError } from '../exit-codes.js';

/** `fngraph versions <name>`: every version, newest first. */
export async function versionsCommand(context: CommandContext, name: string): Promise<void> {
  const { functionByName } = await context.client.request(FunctionVersionsDocument, { name });
  const latest = functionByName.latestVersion.version;
  context.output.result({ function: { id: functionByName.id, name }, latest, versions: functionByName.versions }, () =>
    functionByName.versions
      .map(
        (version) =>
          `${version.version === latest ? '*' : ' '} ${version.version.padEnd(12)} ${version.buildStatus.padEnd(8)} ${version.createdAt} ${version.codeHash.slice(0, 12)}`,
      )
      .join('\n'),
  );
}

/**
 * `fngraph rollback <name> [version]`. The API has no alias or "promote" operation that
 * moves `/fn/<name>` back to an older version (the latest version always answers it), so a
 * rollback registers the older version's code (as registered: a source file or an archive),
 * entry point, language, runtime and dependencies as a new
 * version; settings (environment, limits, permissions, schedules) stay those of the latest
 * version. Without a version: the one before the latest.
 */
export async function rollbackCommand(context: CommandContext, name: string, version: string | undefined): Promise<void> {
  const { client, output } = context;
  const { functionByName } = await client.request(FunctionVersionsDocument, { name });
  const [latest, previous] = functionByName.versions;
  const target = version ?? previous?.version;
  if (!target) throw usageError(`${name} has a single version: nothing to roll back to`);
  if (target === latest?.version) throw usageError(`${target} is already the latest version of ${name}`);
  const { functionVersion: old } = await client.request(VersionCodeDocument, { functionId: functionByName.id, version: target });
  const input: UpdateFunctionInput = {
    code: old.code,
    codeFormat: old.codeFormat,
    // null: the language's default entry point (an update keeps the latest version's otherwise).
    handler: old.handler,
    language: old.language,
    runtime: old.runtime,
    metadata: { dependencies: old.dependencies },
  };
  const { updateFunction } = await client.request(UpdateFunctionDocument, { id: functionByName.id, input });
  let status: string = updateFunction.latestVersion.buildStatus;
  let buildLog: string | undefined;
  if (status !== 'READY') {
    const outcome = await waitForBuild(client, updateFunction.id, updateFunction.latestVersion.version, (line) => output.note(`  ${line}`));
    status = outcome.status;
    buildLog = outcome.buildLog;
  }
  const result = {
    function: { id: updateFunction.id, name },
    rolledBackTo: target,
    version: updateFunction.latestVersion.version,
    codeHash: updateFunction.latestVersion.codeHash,
    buildStatus: status,
    method: 'redeployed-as-new-version',
    ...(status === 'FAILED' ? { buildLog } : {}),
  };
  output.result(result, () =>
    status === 'FAILED'
      ? `Rollback build FAILED:\n${buildLog ?? ''}`
      : `${name}: the code of ${target} re-deployed as version ${result.version} (${status}); the API has no way to point ${name} back at ${target} itself`,
  );
  if (status === 'FAILED') throw new ReportedFailure(ExitCode.FAILED);
}
