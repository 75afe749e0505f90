import { type As, authHeaders } from './credentials.js';

/**
 * A registration document as the spec defines it, for a JavaScript source. Public, so
 * tests can call its endpoints without credentials (permission tests override it).
 */
export function functionDocument(name: string, source: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const metadata = { author: 'tests', tags: ['test'], dependencies: {}, permissions: { public: true, allowedUsers: [], executionRoles: [] } };
  const executionConfig = { timeout: 5, memoryLimit: 128, environmentVariables: {} };
  return {
    name,
    description: `test function ${name}`,
    language: 'javascript',
    runtime: 'nodejs24',
    code: Buffer.from(source).toString('base64'),
    ...overrides,
    // Overriding some metadata or settings keeps the defaults of the others.
    metadata: isObject(overrides.metadata) ? { ...metadata, ...overrides.metadata } : (overrides.metadata ?? metadata),
    executionConfig: isObject(overrides.executionConfig)
      ? { ...executionConfig, ...overrides.executionConfig }
      : (overrides.executionConfig ?? executionConfig),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/** A Python registration document (same defaults as `functionDocument`). */
export function pythonDocument(name: string, source: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return functionDocument(name, source, { language: 'python', runtime: 'python3.11', ...overrides });
}

/** A TypeScript registration document (same defaults as `functionDocument`). */
export function typescriptDocument(name: string, source: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return functionDocument(name, source, { language: 'typescript', runtime: 'nodejs24', ...overrides });
}

/** Registers a document and fails the test unless it worked; returns the response body. */
export async function registerDocument(url: string, document: Record<string, unknown>): Promise<any> {
  const { status, body } = await registerRest(url, document);
  if (status !== 201) throw new Error(`registration of ${String(document.name)} failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

export interface BuildOutcome {
  buildStatus: 'READY' | 'FAILED';
  buildLog: string;
}

/**
 * Waits until a version's dependency build has finished. No deadline of its own: how long
 * a registry takes is not the test's business; the test's timeout bounds the wait.
 */
export async function waitForBuild(url: string, functionId: string, version: string): Promise<BuildOutcome> {
  for (;;) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(url) },
      body: JSON.stringify({
        query: 'query($id: ID!, $v: String!) { functionVersion(functionId: $id, version: $v) { buildStatus buildLog } }',
        variables: { id: functionId, v: version },
      }),
    });
    const { data, errors } = await response.json();
    if (errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    if (data.functionVersion.buildStatus !== 'BUILDING') return data.functionVersion as BuildOutcome;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
