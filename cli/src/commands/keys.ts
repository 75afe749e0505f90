import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument, type ApiKeyFieldsFragment } from '@fngraph/sdk';
import type { CommandContext } from '../context.js';

function describeKey(key: ApiKeyFieldsFragment): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : key.expiresAt ? `expires ${key.expiresAt}` : 'active';
  return `${key.id}  fng_${key.prefix}_…  ${key.name}  [${key.roles.join(', ')}]  owner ${key.ownerId}  ${state}`;
}

export interface CreateKeyOptions {
  role: string[];
  owner?: string;
  expires?: string;
}

export async function createKeyCommand(context: CommandContext, name: string, options: CreateKeyOptions): Promise<void> {
  const { createApiKey } = await context.client.request(CreateApiKeyDocument, {
    input: { name, roles: options.role, ownerId: options.owner, expiresAt: options.expires },
  });
  context.output.result(createApiKey, () => `${describeKey(createApiKey.apiKey)}\n\n${createApiKey.secret}\n\nThe secret is shown only this once.`);
}

export async function listKeysCommand(context: CommandContext): Promise<void> {
  const keys: ApiKeyFieldsFragment[] = [];
  let after: string | undefined;
  do {
    const { apiKeys } = await context.client.request(ApiKeysDocument, { first: 100, after });
    keys.push(...apiKeys.nodes);
    after = apiKeys.pageInfo.hasNextPage ? (apiKeys.pageInfo.endCursor ?? undefined) : undefined;
  } while (after);
  context.output.result({ keys }, () => (keys.length ? keys.map(describeKey).join('\n') : 'No API keys.'));
}

export async function revokeKeyCommand(context: CommandContext, id: string): Promise<void> {
  const { revokeApiKey } = await context.client.request(RevokeApiKeyDocument, { id });
  context.output.result({ apiKey: revokeApiKey }, () => `Revoked ${describeKey(revokeApiKey)}`);
}
