import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printAppSchema } from '@/api/graphql/print-schema.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SCHEMA_FILE = new URL('../../schema/schema.graphql', import.meta.url);

describe('committed GraphQL schema', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('matches the schema the server prints (run `npm run schema` after changing the API)', () => {
    const printed = printAppSchema(server.app);
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, printed);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printed);
  });
});
