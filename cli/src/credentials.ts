import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, CliError } from './exit-codes.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** What `fngraph login` stores. */
export interface StoredCredentials {
  url: string;
  apiKey: string;
  subject: string | null;
  savedAt: string;
}

/** Where the server is and who we are for one command. */
export interface Connection {
  url: string;
  apiKey: string | undefined;
  /** Where the key came from, for messages. */
  source: 'environment' | 'login' | 'none';
}

/** `$XDG_CONFIG_HOME/fngraph` (else `~/.config/fngraph`). */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'fngraph');
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDirectory(env), 'credentials.json');
}

export function readStoredCredentials(env: NodeJS.ProcessEnv = process.env): StoredCredentials | null {
  const file = credentialsFile(env);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredCredentials;
  } catch {
    throw new CliError(`${file} is not valid JSON: run \`fngraph login\` again`, ExitCode.AUTH, 'BAD_CREDENTIALS_FILE');
  }
}

/** Writes the credentials readable by their owner only (directory 0700, file 0600). */
export function storeCredentials(credentials: StoredCredentials, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDirectory(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = credentialsFile(env);
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The mode of writeFileSync only applies to a new file: an older, wider one is narrowed too.
  chmodSync(file, 0o600);
  return file;
}

/**
 * The server and key for a command: `--url`, then FNGRAPH_URL / FNGRAPH_API_KEY (for CI),
 * then what `fngraph login` stored, then the local default server without a key.
 */
export function resolveConnection(urlOption: string | undefined, env: NodeJS.ProcessEnv = process.env): Connection {
  const stored = env.FNGRAPH_API_KEY ? null : readStoredCredentials(env);
  const url = (urlOption || env.FNGRAPH_URL || stored?.url || DEFAULT_URL).replace(/\/+$/, '');
  if (env.FNGRAPH_API_KEY) return { url, apiKey: env.FNGRAPH_API_KEY, source: 'environment' };
  // A stored key goes only to the server it was stored for, never to another `--url`.
  if (stored && stored.url === url) return { url, apiKey: stored.apiKey, source: 'login' };
  return { url, apiKey: undefined, source: 'none' };
}
