import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionConfigInput, RegisterFunctionInput } from '@fngraph/sdk';
import { usageError } from './exit-codes.js';
import { type PackagedCode, inferLanguage, packageCode, parseRequirements } from './function-folder.js';
import { type Manifest, readPackageJson } from './manifest.js';

/**
 * The registration document. `handler`, `codeFormat`, `executionConfig.eventFormat` and
 * `.network` are only set when the manifest or the folder needs them, so a plain single-file
 * function deploys to servers that predate them too.
 */
export type RegistrationInput = RegisterFunctionInput & ContractFields;

/**
 * The contract fields of the registration (as the schema has them): spelled out here as well,
 * so the CLI also builds against an SDK compiled before they existed.
 */
interface ContractFields {
  contract?: {
    input?: Record<string, unknown> | null;
    query?: Record<string, unknown> | null;
    output?: Record<string, unknown> | null;
    outputMode?: 'FLAG' | 'REFUSE' | null;
  } | null;
  allowBreakingChanges?: boolean | null;
}

export interface Registration {
  input: RegistrationInput;
  code: PackagedCode;
}

/** Environment values: plain ones as they are; `{ secret: VAR }` / `{ fromEnv: VAR }` read from the deployer's environment. */
function environmentVariables(env: Manifest['env'], processEnv: NodeJS.ProcessEnv): ExecutionConfigInput['environmentVariables'] {
  if (!env) return undefined;
  const variables: Record<string, string | { value: string; secret: boolean }> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'object') {
      variables[name] = String(value);
      continue;
    }
    const source = 'secret' in value ? value.secret : value.fromEnv;
    const resolved = processEnv[source];
    if (resolved === undefined) throw usageError(`env.${name} reads $${source}, which is not set in this environment`);
    variables[name] = 'secret' in value ? { value: resolved, secret: true } : resolved;
  }
  return variables;
}

function dependencies(dir: string, language: string, manifest: Manifest): Record<string, string> | undefined {
  let found: Record<string, string> = {};
  if (language === 'python') {
    const requirements = join(dir, 'requirements.txt');
    if (existsSync(requirements)) found = parseRequirements(readFileSync(requirements, 'utf8'));
  } else {
    found = { ...readPackageJson(dir)?.dependencies };
  }
  const merged = { ...found, ...manifest.dependencies };
  return Object.keys(merged).length ? merged : undefined;
}

/** What `fngraph deploy` sends for a folder and its manifest. */
export function registrationFor(dir: string, manifest: Manifest, processEnv: NodeJS.ProcessEnv = process.env): Registration {
  const code = packageCode(dir);
  const language = manifest.language ?? inferLanguage(dir, manifest.runtime, manifest.handler);
  const limits = manifest.limits ?? {};
  const executionConfig: RegistrationInput['executionConfig'] = {
    timeout: limits.timeout,
    memoryLimit: limits.memory,
    minInstances: limits.minInstances,
    maxInstances: limits.maxInstances,
    concurrency: limits.concurrency,
    environmentVariables: environmentVariables(manifest.env, processEnv),
    eventFormat: manifest.eventFormat,
    network: manifest.network ? { enabled: manifest.network.enabled, allow: manifest.network.allow ?? [] } : undefined,
  };
  const input: RegistrationInput = {
    name: manifest.name,
    description: manifest.description,
    language,
    runtime: manifest.runtime,
    version: manifest.version,
    handler: manifest.handler,
    code: code.code,
    codeFormat: code.codeFormat === 'zip' ? 'ZIP' : undefined,
    metadata: {
      tags: manifest.tags,
      dependencies: dependencies(dir, language, manifest),
      permissions: manifest.permissions,
    },
    executionConfig,
    schedules: manifest.schedules?.map((schedule) => ({ ...schedule })),
    allowBreakingChanges: manifest.allowBreakingChanges,
  };
  // Schemas go as written: a `null` inside one (`const: null`) means something.
  const contract = manifest.contract ? contractInput(manifest.contract) : undefined;
  return { input: { ...withoutUndefined(input), ...(contract ? { contract } : {}) }, code };
}

function contractInput(contract: NonNullable<Manifest['contract']>): NonNullable<RegistrationInput['contract']> {
  return {
    ...(contract.input ? { input: contract.input } : {}),
    ...(contract.query ? { query: contract.query } : {}),
    ...(contract.output ? { output: contract.output } : {}),
    ...(contract.outputMode ? { outputMode: contract.outputMode === 'refuse' ? 'REFUSE' : 'FLAG' } : {}),
  };
}

/** GraphQL variables without the keys left unset (an explicit null would mean "clear"). */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined) continue;
    const cleaned = withoutUndefined(entry);
    // Keep payloads and maps as given; drop objects that only held unset keys.
    if (cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned) && Object.keys(cleaned).length === 0 && Object.keys(entry as object).length > 0)
      continue;
    result[key] = cleaned;
  }
  return result as T;
}
