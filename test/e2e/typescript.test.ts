import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDocument, registerRest, typescriptDocument } from '../support/functions.js';
import { graphqlData } from '../support/graphql-client.js';
import { authHeaders } from '../support/credentials.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const TYPED = `
import type { IncomingHttpHeaders } from 'node:http';

enum Shape {
  Circle = 'circle',
  Square = 'square',
}

interface Event {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string | null;
}

interface Context {
  functionName: string;
  version: string;
}

type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

class Stack<T> {
  private readonly items: T[] = [];
  push(item: T): this {
    this.items.push(item);
    return this;
  }
  get size(): number {
    return this.items.length;
  }
}

function area(shape: Shape, size: number): Result<number> {
  switch (shape) {
    case Shape.Circle:
      return { ok: true, value: Math.round(Math.PI * size * size) };
    case Shape.Square:
      return { ok: true, value: size * size };
    default:
      return { ok: false, reason: \`unknown shape \${shape as string}\` };
  }
}

export default async function handler(event: Event, context: Context): Promise<Record<string, unknown>> {
  const input = JSON.parse(event.body ?? '{}') as { shape: Shape; size: number };
  const stack = new Stack<number>().push(1).push(2);
  const result = area(input.shape, input.size);
  console.log(\`\${context.functionName}@\${context.version}: \${input.shape}\`);
  return { result, stackSize: stack.size, shapes: Object.values(Shape), satisfies: ({ n: 1 } satisfies { n: number }).n };
}
`;

describe('TypeScript functions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('compiles a typed handler (interfaces, generics, enums, import type) once and runs it', async () => {
    const registered = await registerDocument(server.url, typescriptDocument('ts-typed', TYPED));
    expect(registered).toMatchObject({ language: 'typescript', runtime: 'nodejs24', buildStatus: 'READY' });
    const response = await fetch(`${server.url}/fn/ts-typed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shape: 'square', size: 3 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: { ok: true, value: 9 }, stackSize: 2, shapes: ['circle', 'square'], satisfies: 1 });
  });

  it('rejects code that does not compile with 400 and index.ts:line:column', async () => {
    const source = 'interface A {\n  x: number;\n}\nexport default async (event: A) => {\n  const y: number = ;\n};\n';
    const { status, body } = await registerRest(server.url, typescriptDocument('ts-broken', source));
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toBe('The typescript code does not compile: index.ts:5:21: Unexpected ";"');
    expect(body.error.details).toEqual([{ field: 'code', message: 'index.ts:5:21: Unexpected ";"' }]);
    expect((await fetch(`${server.url}/fn/ts-broken`)).status).toBe(404);
  });

  it('maps a runtime error back to the TypeScript source lines', async () => {
    const source = 'interface Input {\n  n: number;\n}\n\nexport default async (): Promise<never> => {\n  throw new RangeError("out of range");\n};\n';
    await registerDocument(server.url, typescriptDocument('ts-throws', source));
    const response = await fetch(`${server.url}/fn/ts-throws`, { headers: authHeaders(server.url) });
    expect(response.status).toBe(502);
    const { error, invocationId } = await response.json();
    expect(error).toMatchObject({ type: 'RangeError', message: 'out of range' });
    const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { error { stack } } }', { id: invocationId });
    expect(invocation.error.stack).toContain('index.ts:6:');
  });
});
