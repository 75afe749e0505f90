import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import { graphqlData } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const QUERY = `{
  functions(first: 50) {
    nodes {
      name
      versions { version }
      latestVersion { version }
      metadata { dependencies }
      executionConfig { timeout }
      latestInvocation { status function { name } }
    }
  }
}`;

/** Counts every call into the three storage ports (the real adapters still answer). */
function countStorageCalls(server: TestServer): { total: () => number; restore: () => void } {
  const spies = [FunctionRepository, VersionRepository, InvocationRepository].flatMap((token) => {
    const repository = server.app.get(token as never) as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(repository)).filter(
      (name) => name !== 'constructor' && typeof repository[name] === 'function',
    );
    return methods.map((name) => vi.spyOn(repository as Record<string, (...args: unknown[]) => unknown>, name));
  });
  return {
    total: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe('fan-out fields are batched per request', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const queriesFor = async (functionCount: number) => {
    const existing = (await graphqlData(server.url, '{ functions(first: 100) { nodes { name } } }')).functions.nodes.length;
    for (let i = existing; i < functionCount; i++) {
      const { id } = await register(server.url, `batched-${String(i).padStart(2, '0')}`, 'export default async () => 1');
      await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { status } }', { id });
    }
    const counter = countStorageCalls(server);
    try {
      const data = await graphqlData(server.url, QUERY);
      expect(data.functions.nodes).toHaveLength(functionCount);
      expect(data.functions.nodes.every((n: { latestInvocation: unknown }) => n.latestInvocation !== null)).toBe(true);
      return counter.total();
    } finally {
      counter.restore();
    }
  };

  it('issues the same number of storage queries for 5 and for 50 functions', async () => {
    const forFive = await queriesFor(5);
    const forFifty = await queriesFor(50);
    expect(forFifty).toBe(forFive);
    // list + versions by id + versions by function + latest invocations + functions by id
    expect(forFive).toBeLessThanOrEqual(5);
  });
});
