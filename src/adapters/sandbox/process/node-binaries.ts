import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, realpathOrNull } from './find-executable.js';

/** Where scripts/start and scripts/test install the Node.js majors the host lacks (`.fngraph/node/<major>/`). */
export const INSTALLED_NODES_DIR = join('.fngraph', 'node');

/**
 * Node.js binaries for function sandboxes, by major version (each major is its own runtime,
 * `nodejs<major>`): the first binary of each major among the candidates wins. A candidate
 * that does not exist or does not run is skipped.
 */
export function nodeBinariesByMajor(candidates: readonly string[], versionOf: (binary: string) => string | null = nodeVersion): Map<number, string> {
  const byMajor = new Map<number, string>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const binary = realpathOrNull(candidate);
    if (!binary || seen.has(binary)) continue;
    seen.add(binary);
    const major = /^v(\d+)\./.exec(versionOf(binary) ?? '')?.[1];
    if (major !== undefined && !byMajor.has(Number(major))) byMajor.set(Number(major), binary);
  }
  return byMajor;
}

/**
 * The candidates when FNGRAPH_NODE_BINARIES is not set: the configured sandbox Node.js (the
 * server's own by default), the majors the scripts installed under the installation's
 * `.fngraph/node/`, then the system's `node`.
 */
export function defaultNodeCandidates(sandboxNodeBinary: string, installationRoot: string): string[] {
  const installed = join(installationRoot, INSTALLED_NODES_DIR);
  let majors: string[] = [];
  try {
    majors = readdirSync(installed).filter((name) => /^\d+$/.test(name));
  } catch {
    // None installed.
  }
  majors.sort((a, b) => Number(b) - Number(a));
  const system = findExecutable('node');
  return [sandboxNodeBinary, ...majors.map((major) => join(installed, major, 'bin', 'node')), ...(system ? [system] : [])];
}

function nodeVersion(binary: string): string | null {
  // A few milliseconds per binary, once at start-up; the environment stays out of it.
  const result = spawnSync(binary, ['--version'], { env: {}, encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}
