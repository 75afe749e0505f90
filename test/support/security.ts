import { SignJWT } from 'jose';
import { type As, authHeaders } from './credentials.js';
import { graphql, graphqlData } from './graphql-client.js';

/** An API key created by the server's admin; returns the token. */
export async function createKey(url: string, ownerId: string, roles: string[], extra: { expiresAt?: Date; name?: string } = {}): Promise<string> {
  const data = await graphqlData(url, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }', {
    input: { name: extra.name ?? `${ownerId} key`, ownerId, roles, ...(extra.expiresAt ? { expiresAt: extra.expiresAt.toISOString() } : {}) },
  });
  return data.createApiKey.secret as string;
}

export async function keyId(url: string, token: string): Promise<string> {
  const prefix = token.split('_')[1];
  const data = await graphqlData(url, '{ apiKeys(first: 100) { nodes { id prefix } } }');
  return data.apiKeys.nodes.find((k: { prefix: string }) => k.prefix === prefix).id;
}

/** The outcome of a GraphQL operation: 'ok' or the first error code. */
export async function gqlOutcome(url: string, query: string, variables: Record<string, unknown>, as: As): Promise<string> {
  const result = await graphql(url, query, variables, as);
  return result.errors?.length ? String(result.errors[0]!.extensions?.code) : 'ok';
}

/** The outcome of an HTTP request: 'ok' for 2xx, else the JSON error code (or the status). */
export async function httpOutcome(url: string, path: string, init: RequestInit, as: As): Promise<string> {
  const response = await fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...authHeaders(url, as) } });
  if (response.ok) {
    await response.arrayBuffer();
    return 'ok';
  }
  const body = (await response.json().catch(() => null)) as { error?: { code?: string }; errors?: Array<{ extensions?: { code?: string } }> } | null;
  return body?.error?.code ?? body?.errors?.[0]?.extensions?.code ?? String(response.status);
}

export const HS_SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';
export const JWT_ISSUER = 'https://issuer.test';
export const JWT_AUDIENCE = 'fngraph-tests';

export async function hsToken(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(options.issuer ?? JWT_ISSUER)
    .setAudience(options.audience ?? JWT_AUDIENCE);
  jwt.setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(new TextEncoder().encode(options.secret ?? HS_SECRET));
}
