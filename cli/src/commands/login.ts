import { createInterface } from 'node:readline/promises';
import { FngraphClient, MeDocument } from '@fngraph/sdk';
import type { CommandContext } from '../context.js';
import { credentialsFile, DEFAULT_URL, storeCredentials } from '../credentials.js';
import { CliError, ExitCode, cliErrorFrom, usageError } from '../exit-codes.js';

export interface LoginOptions {
  apiKeyStdin?: boolean;
}

async function readKey(options: LoginOptions): Promise<string> {
  if (options.apiKeyStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  if (process.env.FNGRAPH_API_KEY) return process.env.FNGRAPH_API_KEY;
  if (!process.stdin.isTTY) throw usageError('No API key: pipe it with --api-key-stdin, or set FNGRAPH_API_KEY');
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return (await prompt.question('API key (fng_…): ')).trim();
  } finally {
    prompt.close();
  }
}

/**
 * `fngraph login [url]`: checks the key with `me`, then stores URL and key (0600) under
 * `$XDG_CONFIG_HOME/fngraph/`. The key comes from stdin (`--api-key-stdin`),
 * FNGRAPH_API_KEY, or a prompt; never from the command line, where other users see it.
 */
export async function loginCommand(context: CommandContext, urlArgument: string | undefined, options: LoginOptions): Promise<void> {
  const url = (urlArgument ?? process.env.FNGRAPH_URL ?? context.connection.url ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw usageError(`Not an http(s) URL: ${url}`);
  const apiKey = await readKey(options);
  if (!apiKey) throw usageError('The API key is empty');
  const client = new FngraphClient({ url, credential: apiKey });
  let me;
  try {
    ({ me } = await client.request(MeDocument));
  } catch (error) {
    throw cliErrorFrom(error);
  }
  if (me.kind === 'anonymous') throw new CliError('The server did not accept the key (it answered as anonymous)', ExitCode.AUTH, 'UNAUTHENTICATED');
  const file = storeCredentials({ url, apiKey, subject: me.subject ?? null, savedAt: new Date().toISOString() });
  context.output.result({ url, subject: me.subject, kind: me.kind, roles: me.roles, expiresAt: me.expiresAt, credentialsFile: file }, () =>
    [`Logged in to ${url} as ${me.subject} (${me.roles.join(', ') || 'no roles'})`, `Stored in ${credentialsFile()} (mode 0600)`].join('\n'),
  );
}
