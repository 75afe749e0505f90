import { DeleteAliasDocument, FunctionAliasesDocument, SetAliasDocument, type AliasFieldsFragment, type FngraphClient } from '@fngraph/sdk';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';

type AliasView = AliasFieldsFragment;

/** One route as typed: `1.4.0` (all of the traffic, or what the other route leaves) or `1.5.0=10`. */
interface RouteArgument {
  version: string;
  weight: number | null;
}

/** `1.4.0=90 1.5.0=10`, `1.4.0 1.5.0=10` (the first takes the rest) or `1.4.0` (100%). */
export function parseRoutes(targets: string[]): Array<{ version: string; weight: number }> {
  if (targets.length === 0 || targets.length > 2) throw usageError('give one or two versions: <version>[=<weight>] [<version>=<weight>]');
  const parsed: RouteArgument[] = targets.map((target) => {
    const match = /^([^=\s]+)(?:=(\d{1,3}))?$/.exec(target);
    if (!match) throw usageError(`not a route: ${JSON.stringify(target)} (expected <version>[=<weight>], weight 0 to 100)`);
    return { version: match[1]!, weight: match[2] === undefined ? null : Number(match[2]) };
  });
  const unweighted = parsed.filter((route) => route.weight === null).length;
  if (unweighted > 1) throw usageError('give the weight of at least one of the two versions');
  const given = parsed.reduce((sum, route) => sum + (route.weight ?? 0), 0);
  // The server checks the sum; a missing weight is what the other leaves.
  return parsed.map((route) => ({ version: route.version, weight: route.weight ?? Math.max(0, 100 - given) }));
}

function describeAlias(alias: AliasView): string {
  const routes = alias.routes.map((route) => (alias.routes.length === 1 ? route.version : `${route.version}=${route.weight}`)).join(' ');
  const shadow = alias.shadow ? `  (shadow ${alias.shadow.version} ${alias.shadow.percent}%)` : '';
  return `${alias.name.padEnd(16)} ${routes}${shadow}`;
}

async function functionAliases(client: FngraphClient, name: string) {
  return (await client.request(FunctionAliasesDocument, { name })).functionByName;
}

/** `fngraph alias list <function>`. */
export async function listAliasesCommand(context: CommandContext, name: string): Promise<void> {
  const fn = await functionAliases(context.client, name);
  context.output.result({ function: { id: fn.id, name }, latest: fn.latestVersion.version, aliases: fn.aliases }, () =>
    fn.aliases.length === 0
      ? `${name} has no aliases (/fn/${name} runs the latest version, ${fn.latestVersion.version})`
      : fn.aliases.map(describeAlias).join('\n'),
  );
}

/** `fngraph alias set <function> <alias> <version>[=weight] [<version>=weight]`: creates or replaces the alias (its shadow is kept). */
export async function setAliasCommand(context: CommandContext, name: string, alias: string, targets: string[]): Promise<void> {
  const routes = parseRoutes(targets);
  const fn = await functionAliases(context.client, name);
  const existing = fn.aliases.find((candidate) => candidate.name === alias);
  const shadow = existing?.shadow ? { version: existing.shadow.version, percent: existing.shadow.percent } : null;
  const { setAlias } = await context.client.request(SetAliasDocument, { input: { functionId: fn.id, name: alias, routes, shadow } });
  context.output.result({ function: { id: fn.id, name }, alias: setAlias }, () => `${name}@${describeAlias(setAlias)}`);
}

/** `fngraph alias delete <function> <alias>`. */
export async function deleteAliasCommand(context: CommandContext, name: string, alias: string): Promise<void> {
  const fn = await functionAliases(context.client, name);
  const { deleteAlias } = await context.client.request(DeleteAliasDocument, { functionId: fn.id, name: alias });
  if (!deleteAlias) throw new CliError(`${name} has no alias ${alias}`, ExitCode.REFUSED, 'NOT_FOUND');
  context.output.result({ function: { id: fn.id, name }, deleted: alias }, () => `${name}@${alias} deleted`);
}

export interface AliasRollback {
  function: { id: string; name: string };
  alias: string;
  from: string;
  rolledBackTo: string;
  method: 'alias';
}

/**
 * Points an alias back at an older version at once (no new version, no build): `to`, or the
 * newest READY version older than the one the alias sends most of its traffic to. Null when
 * the function has no such alias (the caller then re-deploys the older code instead).
 */
export async function rollbackAlias(context: CommandContext, name: string, aliasName: string, to: string | undefined): Promise<AliasRollback | null> {
  const fn = await functionAliases(context.client, name);
  const alias = fn.aliases.find((candidate) => candidate.name === aliasName);
  if (!alias) return null;
  // Ties go to the route set second: in a canary that is the newer one.
  const current = alias.routes.reduce((best, route) => (route.weight >= best.weight ? route : best));
  const index = fn.versions.findIndex((version) => version.version === current.version);
  const target = to ?? fn.versions.slice(index + 1).find((version) => version.buildStatus === 'READY')?.version;
  if (!target) throw usageError(`${name}@${aliasName} points at ${current.version}; no older READY version to roll back to`);
  if (alias.routes.length === 1 && target === current.version) throw usageError(`${name}@${aliasName} already points at ${target}`);
  const shadow = alias.shadow ? { version: alias.shadow.version, percent: alias.shadow.percent } : null;
  await context.client.request(SetAliasDocument, { input: { functionId: fn.id, name: aliasName, routes: [{ version: target, weight: 100 }], shadow } });
  return { function: { id: fn.id, name }, alias: aliasName, from: current.version, rolledBackTo: target, method: 'alias' };
}
