import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient } from '../support/graphql-client.js';
import { register } from '../support/functions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The cost limit counts what a query may produce (page sizes, list bounds, large fields),
 * and a result larger than FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES is replaced by an error, on
 * HTTP and graphql-ws. Scaled down: versions of 150 KB of code, a 256 KB response cap.
 */
const MAX_RESPONSE_BYTES = 256 * 1024;
const VERSIONS = 4;
const LOG_LINES = 300;

const aliases = (count: number, selection: string) => Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ');

describe('GraphQL cost by list sizes, and the response size cap', () => {
  let server: TestServer;
  let bigId: string;
  let chattyId: string;
  let invocationId: string;

  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES: String(MAX_RESPONSE_BYTES) });
    for (let v = 1; v <= VERSIONS; v++) {
      // 150 KB of incompressible padding in a comment: about 200 KB of base64 per version.
      const padding = randomBytes(112 * 1024).toString('base64');
      const body = await register(server.url, 'big-code', `// ${padding}\nexport default async () => ({ v: ${v} });\n`);
      bigId = body.id;
    }
    const chatty = await register(
      server.url,
      'chatty',
      `export default async () => { for (let i = 0; i < ${LOG_LINES}; i++) console.log('line ' + i + ' ' + 'x'.repeat(100)); return 'ok'; };`,
    );
    chattyId = chatty.id;
    for (let i = 0; i < 3; i++) {
      const invoked = await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { id status } }', { id: chattyId });
      expect(invoked.invokeFunction.status).toBe('SUCCEEDED');
      invocationId = invoked.invokeFunction.id;
    }
    await graphqlData(server.url, 'mutation($id: ID!) { invokeFunction(input: { functionId: $id }) { id } }', { id: bigId });
  }, 120_000);
  afterAll(() => server?.close());

  it('refuses aliases of every version with its code before executing (HTTP)', async () => {
    const result = await graphql(server.url, `query($id: ID!) { function(id: $id) { ${aliases(20, 'versions { code }')} } }`, { id: bigId });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(result.errors?.[0]?.message).toMatch(/cost limit/i);
  });

  it('refuses aliases of pages of invocations with their logs before executing (HTTP), page size in a variable too', async () => {
    const literal = await graphql(server.url, `{ ${aliases(5, 'invocations(first: 5) { nodes { logs { message } } }')} }`);
    expect(literal.data).toBeUndefined();
    expect(literal.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const variable = await graphql(server.url, 'query($n: Int) { invocations(first: $n) { nodes { logs { message } } } }', { n: 100 });
    expect(variable.data).toBeUndefined();
    expect(variable.errors?.[0]?.message).toMatch(/cost limit/i);
  });

  it('serves a legitimate paged query', async () => {
    const data = await graphqlData(server.url, 'query($id: ID!) { invocations(functionId: $id, first: 5) { nodes { id logs { seq message } } } }', {
      id: chattyId,
    });
    expect(data.invocations.nodes).toHaveLength(3);
    expect(data.invocations.nodes[0].logs).toHaveLength(LOG_LINES);
    const version = await graphqlData(server.url, 'query($id: ID!) { functionVersion(functionId: $id, version: "1.0.0") { code } }', { id: bigId });
    expect(version.functionVersion.code.length).toBeGreaterThan(100_000);
  });

  it('replaces a response over the size cap by RESPONSE_TOO_LARGE (HTTP)', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: 'query($id: ID!) { function(id: $id) { versions { version code } } }', variables: { id: bigId } }),
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(MAX_RESPONSE_BYTES);
    const result = JSON.parse(text);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RESPONSE_TOO_LARGE' }) })]);
  });

  it('applies the cost limit and the size cap on graphql-ws', async () => {
    const client = wsClient(server.url);
    try {
      const costly = `subscription($id: ID!) { invocationUpdated(invocationId: $id) { function { ${aliases(6, 'versions { code }')} } } }`;
      await expect(subscribe(client, costly, { id: invocationId }).done).rejects.toThrow(
        /GRAPHQL_VALIDATION_FAILED.*cost limit|cost limit.*GRAPHQL_VALIDATION_FAILED/i,
      );
      const invocations = await graphqlData(server.url, 'query($id: ID!) { invocations(functionId: $id, first: 1) { nodes { id } } }', { id: bigId });
      const bigInvocation = invocations.invocations.nodes[0].id;
      // Affordable by cost, too large in fact: the event is replaced by the error.
      const large = 'subscription($id: ID!) { invocationUpdated(invocationId: $id) { function { versions { code } } } }';
      await expect(subscribe(client, large, { id: bigInvocation }).done).rejects.toThrow(/RESPONSE_TOO_LARGE/);
      const small = await subscribe<{ invocationUpdated: { id: string; status: string } }>(
        client,
        'subscription($id: ID!) { invocationUpdated(invocationId: $id) { id status } }',
        { id: bigInvocation },
      ).done;
      expect(small[0]?.invocationUpdated).toEqual({ id: bigInvocation, status: 'SUCCEEDED' });
    } finally {
      await client.dispose();
    }
  });
});
