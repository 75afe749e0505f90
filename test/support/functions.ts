import { type As, authHeaders } from './credentials.js';

/**
 * A registration document as the spec defines it, for a JavaScript source. Public, so
 * tests can call its endpoints without credentials (permission tests override it).
 */
export function functionDocument(name: string, source: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    description: `test function ${name}`,
    language: 'javascript',
    runtime: 'nodejs20',
    code: Buffer.from(source).toString('base64'),
    metadata: { author: 'tests', tags: ['test'], dependencies: {}, permissions: { public: true, allowedUsers: [], executionRoles: [] } },
    executionConfig: { timeout: 5, memoryLimit: 128, environmentVariables: {} },
    ...overrides,
  };
}

export async function registerRest(url: string, document: Record<string, unknown>, as?: As): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/functions/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(url, as) },
    body: JSON.stringify(document),
  });
  return { status: response.status, body: await response.json() };
}

/** Registers and fails the test unless it worked; returns the response body. */
export async function register(url: string, name: string, source: string, overrides: Record<string, unknown> = {}, as?: As): Promise<any> {
  const { status, body } = await registerRest(url, functionDocument(name, source, overrides), as);
  if (status !== 201) throw new Error(`registration of ${name} failed: ${status} ${JSON.stringify(body)}`);
  return body;
}
