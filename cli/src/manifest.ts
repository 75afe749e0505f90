import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { usageError } from './exit-codes.js';

export const MANIFEST_FILES = ['fngraph.yaml', 'fngraph.yml'];

export type EnvValue = string | { secret: string } | { fromEnv: string };

/** A function folder's manifest: `fngraph.yaml`, or the `fngraph` key of its package.json. */
export interface Manifest {
  name: string;
  description?: string;
  language?: 'javascript' | 'typescript' | 'python';
  runtime?: string;
  /** `<module path without extension>.<export>`, e.g. `index.lambdaHandler`, `main.handle`. */
  handler?: string;
  version?: string;
  tags?: string[];
  env?: Record<string, EnvValue>;
  permissions?: { public?: boolean; allowedUsers?: string[]; executionRoles?: string[] };
  limits?: { timeout?: number; memory?: number; minInstances?: number; maxInstances?: number; concurrency?: number };
  schedules?: { cron: string; timezone?: string; payload?: unknown; enabled?: boolean; id?: string }[];
  eventFormat?: string;
  network?: { enabled: boolean; allow?: string[] };
  /** Added to those of package.json / requirements.txt. */
  dependencies?: Record<string, string>;
  /** JSON Schemas the version's input, query and output must match (README, "Releasing safely"). */
  contract?: { input?: Record<string, unknown>; query?: Record<string, unknown>; output?: Record<string, unknown>; outputMode?: 'flag' | 'refuse' };
  /** Deploy even when the contract breaks the previous version's without a major version bump (audited). */
  allowBreakingChanges?: boolean;
}

export interface LoadedManifest {
  manifest: Manifest;
  /** The file it was read from, relative to the folder. */
  file: string;
}

const KEYS: Record<keyof Manifest, string> = {
  name: 'string',
  description: 'string',
  language: 'string',
  runtime: 'string',
  handler: 'string',
  version: 'string',
  tags: 'array',
  env: 'object',
  permissions: 'object',
  limits: 'object',
  schedules: 'array',
  eventFormat: 'string',
  network: 'object',
  dependencies: 'object',
  contract: 'object',
  allowBreakingChanges: 'boolean',
};
const LANGUAGES = ['javascript', 'typescript', 'python'];
const LIMIT_KEYS = ['timeout', 'memory', 'minInstances', 'maxInstances', 'concurrency'];
const PERMISSION_KEYS = ['public', 'allowedUsers', 'executionRoles'];
const SCHEDULE_KEYS = ['cron', 'timezone', 'payload', 'enabled', 'id'];

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function checkKeys(where: string, value: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length) throw usageError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
}

/** Checks the shape (not the values, which the server validates) so that a typo fails before anything is sent. */
export function validateManifest(raw: unknown, file: string): Manifest {
  if (kindOf(raw) !== 'object') throw usageError(`${file}: the manifest must be a mapping with at least \`name\``);
  const value = raw as Record<string, unknown>;
  checkKeys(file, value, Object.keys(KEYS));
  for (const [key, kind] of Object.entries(KEYS)) {
    if (value[key] !== undefined && kindOf(value[key]) !== kind) throw usageError(`${file}: \`${key}\` must be a ${kind === 'object' ? 'mapping' : kind}`);
  }
  if (typeof value.name !== 'string' || !value.name) throw usageError(`${file}: \`name\` is required`);
  if (value.language !== undefined && !LANGUAGES.includes(value.language as string))
    throw usageError(`${file}: \`language\` must be one of ${LANGUAGES.join(', ')}`);
  if (value.limits) {
    checkKeys(`${file}: limits`, value.limits as Record<string, unknown>, LIMIT_KEYS);
    for (const [key, limit] of Object.entries(value.limits as Record<string, unknown>)) {
      if (!Number.isInteger(limit)) throw usageError(`${file}: limits.${key} must be an integer`);
    }
  }
  if (value.permissions) checkKeys(`${file}: permissions`, value.permissions as Record<string, unknown>, PERMISSION_KEYS);
  for (const [index, schedule] of ((value.schedules as unknown[]) ?? []).entries()) {
    if (kindOf(schedule) !== 'object' || typeof (schedule as { cron?: unknown }).cron !== 'string')
      throw usageError(`${file}: schedules[${index}] needs a \`cron\``);
    checkKeys(`${file}: schedules[${index}]`, schedule as Record<string, unknown>, SCHEDULE_KEYS);
  }
  if (value.contract) {
    checkKeys(`${file}: contract`, value.contract as Record<string, unknown>, ['input', 'query', 'output', 'outputMode']);
    const mode = (value.contract as { outputMode?: unknown }).outputMode;
    if (mode !== undefined && mode !== 'flag' && mode !== 'refuse') throw usageError(`${file}: contract.outputMode must be flag or refuse`);
  }
  if (value.network) {
    checkKeys(`${file}: network`, value.network as Record<string, unknown>, ['enabled', 'allow']);
    if (typeof (value.network as { enabled?: unknown }).enabled !== 'boolean') throw usageError(`${file}: network.enabled must be true or false`);
  }
  for (const [name, env] of Object.entries((value.env as Record<string, unknown>) ?? {})) {
    const ok =
      ['string', 'number', 'boolean'].includes(typeof env) ||
      (kindOf(env) === 'object' &&
        Object.keys(env as object).length === 1 &&
        ['secret', 'fromEnv'].some((key) => typeof (env as Record<string, unknown>)[key] === 'string'));
    if (!ok) throw usageError(`${file}: env.${name} must be a value, { secret: VARIABLE } or { fromEnv: VARIABLE }`);
  }
  for (const [name, spec] of Object.entries((value.dependencies as Record<string, unknown>) ?? {})) {
    if (typeof spec !== 'string') throw usageError(`${file}: dependencies.${name} must be a version string`);
  }
  return value as unknown as Manifest;
}

/** The manifest of `dir`: `fngraph.yaml` (or `.yml`), else package.json's `fngraph` key (name and description default to the package's). */
export function loadManifest(dir: string): LoadedManifest {
  for (const file of MANIFEST_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(path, 'utf8'));
    } catch (error) {
      throw usageError(`${file}: ${(error as Error).message}`);
    }
    return { manifest: validateManifest(raw, file), file };
  }
  const packageJson = readPackageJson(dir);
  if (packageJson?.fngraph !== undefined) {
    const fromPackage = { name: packageJson.name?.replace(/^@[^/]+\//, ''), description: packageJson.description, ...(packageJson.fngraph as object) };
    return { manifest: validateManifest(fromPackage, 'package.json#fngraph'), file: 'package.json' };
  }
  throw usageError(`No manifest in ${dir}: add fngraph.yaml (or a "fngraph" key in package.json), or run \`fngraph init\``);
}

export interface PackageJson {
  name?: string;
  description?: string;
  dependencies?: Record<string, string>;
  fngraph?: unknown;
}

export function readPackageJson(dir: string): PackageJson | null {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch (error) {
    throw usageError(`package.json: ${(error as Error).message}`);
  }
}
