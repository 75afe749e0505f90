import { FunctionVersionsDocument, UpdateFunctionDocument, VersionCodeDocument, type UpdateFunctionInput } from '@fngraph/sdk';
import { waitForBuild } from '../build-wait.js';
import type { CommandContext } from '../context.js';
import { ExitCode, ReportedFailure, usageError } from '../exit-codes.js';
import { rollbackAlias } from './aliases.js';

/** The alias `/fn/<name>` follows; what `rollback` moves unless told another. */
const DEFAULT_ALIAS = 'default';

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

export interface RollbackOptions {
  /** The alias to point back (default: `default`, the one `/fn/<name>` follows). */
  alias?: string;
  /** The version to go back to (same as the positional argument). */
  to?: string;
}

/**
 * `fngraph rollback <name> [version] [--alias <alias>] [--to <version>]`. When the function
 * has the alias (`default` unless `--alias` names another), the alias is pointed at the older
 * version at once: nothing is built, and every node routes by it from the next call. Only a
 * function without it (and no `--alias` given) gets the old behaviour: the older version's
 * code (as registered: a source file or an archive), entry point, language, runtime and
 * dependencies are registered as a new version, whose settings (environment, limits,
 * permissions, schedules) stay those of the latest version, since without an alias the latest
 * version is what `/fn/<name>` runs. Without a version: the one before the current one.
 */
export async function rollbackCommand(context: CommandContext, name: string, version: string | undefined, options: RollbackOptions = {}): Promise<void> {
  const { output } = context;
  if (version !== undefined && options.to !== undefined && version !== options.to) throw usageError(`give the version once: ${version} or --to ${options.to}`);
  const wanted = options.to ?? version;
  const aliasName = options.alias ?? DEFAULT_ALIAS;
  const pointed = await rollbackAlias(context, name, aliasName, wanted);
  if (pointed) {
    output.result(pointed, () => `${name}@${aliasName}: ${pointed.from} → ${pointed.rolledBackTo} (the alias moved; nothing was re-deployed)`);
    return;
  }
  if (options.alias !== undefined)
    throw usageError(`${name} has no alias ${options.alias} (create it with \`fngraph alias set ${name} ${options.alias} <version>\`)`);
  await redeployOlderVersion(context, name, wanted);
}

/** Without an alias: the older version's code registered again as a new version (what `/fn/<name>` then runs). */
async function redeployOlderVersion(context: CommandContext, name: string, version: string | undefined): Promise<void> {
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
      : `${name}: the code of ${target} re-deployed as version ${result.version} (${status}); ${name} has no \`default\` alias to point back instead`,
  );
  if (status === 'FAILED') throw new ReportedFailure(ExitCode.FAILED);
}
