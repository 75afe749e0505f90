import { GraphQLSchemaHost } from '@nestjs/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncoveredFields } from '@/api/graphql/permissions/shield-permissions.js';
import { authHeaders } from '../support/credentials.js';
import { graphql, subscribe, wsClient } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A query nesting `invocation { function { latestInvocation { function ... } } }` `depth` times. */
function depthBomb(depth: number): string {
  let selection = 'id';
  for (let i = 0; i < depth; i++) selection = `latestInvocation { function { ${selection} } }`;
  return `{ functions { nodes { ${selection} } } }`;
}

describe('hardened GraphQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_GRAPHQL_MAX_DEPTH: '8', FNGRAPH_GRAPHQL_MAX_ALIASES: '10', FNGRAPH_GRAPHQL_MAX_TOKENS: '500' });
  });
  afterAll(() => server.close());

  it('covers every field of the schema with a graphql-shield rule (nothing left to the deny fallback)', () => {
    expect(uncoveredFields(server.app.get(GraphQLSchemaHost).schema)).toEqual([]);
  });

  it('refuses a depth bomb before executing it', async () => {
    const result = await graphql(server.url, depthBomb(20));
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(result.errors?.[0]?.message).toMatch(/depth limit of 8/);
    expect((await graphql(server.url, depthBomb(2))).errors).toBeUndefined();
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: me { kind }`).join(' ');
    const result = await graphql(server.url, `{ ${aliases} }`);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(result.errors?.[0]?.message).toMatch(/Aliases limit of 10/i);
  });

  it('refuses a costly query (lists multiply their selections)', async () => {
    const result = await graphql(
      server.url,
      '{ functions(first: 100) { nodes { versions { executionConfig { environmentVariables { name value } } } latestInvocation { logs { message } } } } }',
    );
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(result.errors?.[0]?.message).toMatch(/Cost limit/i);
  });

  it('refuses a token bomb while parsing', async () => {
    const result = await graphql(server.url, `{ me { ${'kind '.repeat(600)} } }`);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(result.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses a directive bomb', async () => {
    const result = await graphql(server.url, `{ me { kind ${'@include(if: true) '.repeat(30)} } }`);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('refuses a batch bomb (batched HTTP requests are off)', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
      body: JSON.stringify(Array.from({ length: 1000 }, () => ({ query: '{ me { kind } }' }))),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batch/i);
  });

  it('applies the same limits to graphql-ws operations', async () => {
    const client = wsClient(server.url);
    try {
      const subscriptionBomb = `subscription { invocationLogs(invocationId: "x") { seq ${Array.from({ length: 11 }, (_, i) => `a${i}: message`).join(' ')} } }`;
      await expect(subscribe(client, subscriptionBomb, {}).done).rejects.toThrow(/GRAPHQL_VALIDATION_FAILED/);
      await expect(subscribe(client, `subscription { invocationLogs(invocationId: "x") { ${'seq '.repeat(600)} } }`, {}).done).rejects.toThrow(
        /GRAPHQL_PARSE_FAILED/,
      );
      await expect(subscribe(client, 'subscription { nope }', {}).done).rejects.toThrow(/GRAPHQL_VALIDATION_FAILED/);
    } finally {
      await client.dispose();
    }
  });
});

describe('production mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production', FNGRAPH_GRAPHIQL: 'true' });
  });
  afterAll(() => server.close());

  it('turns off introspection, field suggestions and GraphiQL', async () => {
    const introspection = await graphql(server.url, '{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await graphql(server.url, '{ functons { nodes { id } } }');
    expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "functons"/);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  });

  it('applies the same over graphql-ws', async () => {
    const client = wsClient(server.url);
    try {
      await expect(subscribe(client, 'subscription { invocationLog(invocationId: "x") { seq } }', {}).done).rejects.toThrow(/Cannot query field/);
      await expect(subscribe(client, 'subscription { invocationLog(invocationId: "x") { seq } }', {}).done).rejects.not.toThrow(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });
});
