import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RegisterFunctionDocument } from '@fngraph/sdk';
import { waitForBuild } from '../build-wait.js';
import type { CommandContext } from '../context.js';
import { ExitCode, ReportedFailure, usageError } from '../exit-codes.js';
import { loadManifest } from '../manifest.js';
import { registrationFor } from '../registration.js';

export interface DeployResult {
  function: { id: string; name: string };
  version: string;
  sequence: number;
  action: 'created' | 'updated';
  buildStatus: string;
  codeFormat: 'source' | 'zip';
  codeHash: string;
  files: string[];
  endpoints: { execute: string; http: string; httpPinned: string };
  buildLog?: string;
  /** sha256 of the registration sent (`dev` skips a redeploy that would send the same). */
  inputHash: string;
}

export function functionFolder(dir: string | undefined): string {
  const folder = resolve(dir ?? '.');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw usageError(`${folder} is not a folder`);
  return folder;
}

/**
 * Registers the folder's function (a new version when the name exists) and waits for its
 * build. Resolves with the outcome; a FAILED build is a result too (`buildStatus`), the
 * caller decides the exit code.
 */
export async function deployFolder(context: CommandContext, folder: string): Promise<DeployResult>;
export async function deployFolder(context: CommandContext, folder: string, unlessHash: string | undefined): Promise<DeployResult | null>;
export async function deployFolder(context: CommandContext, folder: string, unlessHash?: string): Promise<DeployResult | null> {
  const { manifest } = loadManifest(folder);
  const { input, code } = registrationFor(folder, manifest);
  const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  if (inputHash === unlessHash) return null;
  const { output, client } = context;
  output.note(
    `Deploying ${manifest.name} from ${folder} (${code.codeFormat === 'zip' ? `zip of ${code.files.length} files` : code.files[0]}, ${code.bytes} bytes)`,
  );
  const { registerFunction } = await client.request(RegisterFunctionDocument, { input });
  const latest = registerFunction.latestVersion;
  let buildStatus: string = latest.buildStatus;
  let buildLog: string | undefined;
  if (buildStatus === 'BUILDING') {
    output.note(`Version ${latest.version}: building…`);
    const outcome = await waitForBuild(client, registerFunction.id, latest.version, (line) => output.note(`  ${line}`));
    buildStatus = outcome.status;
    buildLog = outcome.buildLog;
  } else if (buildStatus === 'FAILED') {
    buildLog = (await waitForBuild(client, registerFunction.id, latest.version, () => {})).buildLog;
  }
  return {
    function: { id: registerFunction.id, name: registerFunction.name },
    version: latest.version,
    sequence: latest.sequence,
    action: latest.sequence === 1 ? 'created' : 'updated',
    buildStatus,
    codeFormat: code.codeFormat,
    codeHash: latest.codeHash,
    files: code.files,
    endpoints: registerFunction.endpoints,
    ...(buildStatus === 'FAILED' ? { buildLog } : {}),
    inputHash,
  };
}

export function describeDeploy(result: DeployResult, url: string): string {
  if (result.buildStatus === 'FAILED') return `Build of ${result.function.name} ${result.version} FAILED:\n${result.buildLog ?? ''}`;
  return [
    `${result.function.name} ${result.version} ${result.action === 'created' ? 'created' : 'deployed'}: ${result.buildStatus}`,
    `  ${absoluteEndpoint(url, result.endpoints.http)}`,
  ].join('\n');
}

export async function deployCommand(context: CommandContext, dir: string | undefined): Promise<void> {
  const result = await deployFolder(context, functionFolder(dir));
  context.output.result(result, () => describeDeploy(result, context.connection.url));
  if (result.buildStatus === 'FAILED') {
    throw new ReportedFailure(ExitCode.FAILED);
  }
}

/** Endpoints are paths on the API's origin, or full URLs when the server has a functions origin. */
export function absoluteEndpoint(url: string, endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `${url}${endpoint}`;
}
