import { runHostCommand } from './host-command.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';
export const DEFAULT_PIP_INDEX = 'https://pypi.org/simple/';
/** Where PyPI's simple index links its files. */
const PYPI_FILES = 'https://files.pythonhosted.org/';

/** With a trailing slash, so that a prefix test cannot match `https://registry.example.evil`. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The value of an npm setting given as `npm_config_<name>` (npm reads these in any case). */
function npmSetting(environment: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(environment).find((k) => k.toLowerCase() === `npm_config_${name}`);
  return key === undefined ? undefined : environment[key];
}

/**
 * The npm registry builds may use: `npm_config_registry` from the build environment, else
 * what the host's npm is configured with (`npm config get registry`: its .npmrc files,
 * which the sandboxed npm cannot read), else the public registry.
 */
export async function npmRegistry(npmBinary: string, environment: Record<string, string>): Promise<string> {
  const configured = npmSetting(environment, 'registry');
  if (configured) return withTrailingSlash(configured);
  const lines: string[] = [];
  const result = await runHostCommand({
    command: npmBinary,
    args: ['config', 'get', 'registry'],
    cwd: '/',
    env: environment,
    timeoutMs: 30_000,
    onLine: (line) => lines.push(line.trim()),
  });
  const answer = lines.find((line) => /^https?:\/\//.test(line));
  return result.code === 0 && answer ? withTrailingSlash(answer) : DEFAULT_NPM_REGISTRY;
}

export interface PipIndexes {
  /** `--index-url`. */
  index: string;
  /** `--extra-index-url`s. */
  extra: string[];
  /** Every origin wheels may be downloaded from (the indexes, and PyPI's file host with PyPI). */
  allowed: string[];
}

/** The index pip builds may use: `PIP_INDEX_URL` (and `PIP_EXTRA_INDEX_URL`) from the build environment, else PyPI. */
export function pipIndexes(environment: Record<string, string>): PipIndexes {
  const index = withTrailingSlash(environment.PIP_INDEX_URL?.trim() || DEFAULT_PIP_INDEX);
  const extra = (environment.PIP_EXTRA_INDEX_URL ?? '').split(/\s+/).filter(Boolean).map(withTrailingSlash);
  const indexes = [index, ...extra];
  const pypi = indexes.some((url) => new URL(url).hostname === 'pypi.org');
  return { index, extra, allowed: [...indexes.map((url) => `${new URL(url).origin}/`), ...(pypi ? [PYPI_FILES] : [])] };
}
