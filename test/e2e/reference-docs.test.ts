import { readFileSync, writeFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_DOCS, referenceDocs } from '@/api/reference-docs.js';
import { schemaReference } from '@/api/graphql/reference/schema-reference.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const fileOf = (path: string) => new URL(`../../${path}`, import.meta.url);

describe('committed reference documentation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('matches what the server generates (run `npm run docs` after changing the API)', () => {
    const docs = referenceDocs(server.app);
    for (const [kind, path] of Object.entries(REFERENCE_DOCS)) {
      const generated = docs[kind as keyof typeof REFERENCE_DOCS];
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync(fileOf(path), generated);
      expect(readFileSync(fileOf(path), 'utf8'), path).toBe(generated);
    }
  });

  it('the OpenAPI document is valid OpenAPI 3.1 and the server answers it at /openapi.json (with its own address)', async () => {
    const committed = JSON.parse(readFileSync(fileOf(REFERENCE_DOCS.openapi), 'utf8'));
    const validator = new Validator();
    const result = await validator.validate(committed);
    expect(result.errors ?? []).toEqual([]);
    const served = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof committed;
    expect(served.servers).toEqual([{ url: server.url, description: 'The management API' }]);
    expect({ ...served, servers: committed.servers }).toEqual(committed);
  });

  it('the GraphQL reference names every operation, type, description and deprecation of the schema', () => {
    const markdown = readFileSync(fileOf(REFERENCE_DOCS.graphql), 'utf8');
    const schema = buildSchema(readFileSync(fileOf('schema/schema.graphql'), 'utf8'));
    for (const [kind, root] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ] as const) {
      for (const field of Object.values(root?.getFields() ?? {})) expect(markdown).toContain(`<a id="${kind}-${field.name}"></a>${field.name}`);
    }
    for (const type of Object.values(schema.getTypeMap()).filter(
      (t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name),
    )) {
      if (type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
      expect(markdown).toContain(`<a id="type-${type.name}"></a>${type.name}`);
      if (type.description) expect(markdown).toContain(type.description.split('\n')[0]);
    }
  });

  it('renders deprecations, defaults and arguments (a small schema)', () => {
    const markdown = schemaReference(
      buildSchema(`
        """Things."""
        type Query {
          """Finds one."""
          thing("""An id | a name."""
          id: ID!, first: Int = 20 @deprecated(reason: "unused")): Thing
          old: String @deprecated(reason: "Use thing.")
        }
        type Thing { id: ID!, kind: Kind }
        enum Kind { A, B @deprecated(reason: "Gone.") }
        input Filter { limit: Int = 5 }
      `),
    );
    expect(markdown).toContain('thing(first: Int = 20, id: ID!): Thing');
    expect(markdown).toContain('Finds one.');
    expect(markdown).toContain('| `id` | `ID!` |  | An id \\| a name. |');
    expect(markdown).toContain('> **Deprecated:** Use thing.');
    expect(markdown).toContain('| `first` | `Int` | `20` | **Deprecated:** unused |');
    expect(markdown).toContain('| `B` | **Deprecated:** Gone. |');
    expect(markdown).toContain('| `limit` | `Int` | `5` |  |');
    expect(markdown).toContain('| `kind` | [`Kind`](#type-Kind) |');
  });
});
