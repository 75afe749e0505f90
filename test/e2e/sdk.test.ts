import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FngraphClient,
  FngraphError,
  FunctionByNameDocument,
  FunctionLogsDocument,
  InvocationDocument,
  InvocationLogsDocument,
  InvocationsDocument,
  InvokeFunctionDocument,
  RegisterFunctionDocument,
  RuntimesDocument,
  type LogLineFieldsFragment,
} from '../../sdk/typescript/client.js';
import { scrape } from '../support/prometheus.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

/** Every file codegen.yml generates: the SDK's operations and the web console's. */
const GENERATED = ['sdk/typescript/generated/graphql.ts', 'console/src/api/graphql.generated.ts'];

describe('typed TypeScript SDK', () => {
  it('is generated from the committed schema (run `npm run codegen` after changing the API or the operations)', async () => {
    const config = parseYaml(readFileSync('codegen.yml', 'utf8'));
    const outputs = await generate({ ...config, silent: true }, false);
    // Generated concurrently: the outputs come in either order.
    expect(outputs.map((output: { filename: string }) => output.filename).sort()).toEqual([...GENERATED].sort());
    for (const output of outputs as { filename: string; content: string }[])
      expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
  });

  describe('against a server', () => {
    let server: TestServer;
    let client: FngraphClient;
    beforeAll(async () => {
      server = await startTestServer();
      client = new FngraphClient({ url: server.url, credential: server.adminKey, webSocketImpl: WebSocket });
    });
    afterAll(async () => {
      await client?.close();
      await server?.close();
    });

    it('registers, invokes, streams logs and reads invocations with typed operations', async () => {
      const source =
        'export default async (event) => { console.log("first"); await new Promise((r) => setTimeout(r, 300)); console.log("second"); const { a, b } = JSON.parse(event.body); return { sum: a + b }; }';
      const { registerFunction } = await client.request(RegisterFunctionDocument, {
        input: { name: 'sdk-sum', language: 'javascript', code: Buffer.from(source).toString('base64'), version: '1.0.0' },
      });
      expect(registerFunction.latestVersion).toMatchObject({ version: '1.0.0', buildStatus: 'READY' });
      expect(registerFunction.endpoints.http).toMatch(/\/fn\/sdk-sum$/);

      const queued = await client.request(InvokeFunctionDocument, { input: { name: 'sdk-sum', payload: { a: 2, b: 3 }, async: true } });
      const lines: LogLineFieldsFragment[] = [];
      for await (const { invocationLogs } of client.subscribe(InvocationLogsDocument, { invocationId: queued.invokeFunction.id })) {
        lines.push(invocationLogs);
      }
      expect(lines.map((line) => [line.seq, line.message])).toEqual([
        [1, 'first'],
        [2, 'second'],
      ]);

      const { invocation } = await client.request(InvocationDocument, { id: queued.invokeFunction.id });
      expect(invocation).toMatchObject({ status: 'SUCCEEDED', response: { sum: 5 }, functionName: 'sdk-sum' });
      const { invocations } = await client.request(InvocationsDocument, { functionId: registerFunction.id });
      expect(invocations.nodes.map((node) => node.id)).toContain(invocation.id);

      const { runtimes } = await client.request(RuntimesDocument);
      expect(runtimes.some((runtime) => runtime.languages.includes('javascript') && runtime.available)).toBe(true);
    });

    it('ends a quiet subscription on the server as soon as it is given up, not at its next event', async () => {
      const { functionByName } = await client.request(FunctionByNameDocument, { name: 'sdk-sum' });
      const open = async () => (await scrape(server.url)).value('fngraph_graphql_subscriptions', { field: 'functionLogs' });
      const subscription = client.subscribe(FunctionLogsDocument, { functionId: functionByName.id });
      const waiting = subscription.next();
      await until(open, (count) => count === 1);
      expect(await subscription.return()).toEqual({ done: true, value: undefined });
      expect(await waiting).toEqual({ done: true, value: undefined });
      await until(open, (count) => count === 0);
    });

    it('turns GraphQL errors into a FngraphError carrying the code', async () => {
      const missing = await client.request(FunctionByNameDocument, { name: 'sdk-nowhere' }).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(FngraphError);
      expect((missing as FngraphError).code).toBe('NOT_FOUND');
      const anonymous = new FngraphClient({ url: server.url });
      const refused = await anonymous.request(RuntimesDocument).catch((error: unknown) => error);
      expect((refused as FngraphError).code).toBe('UNAUTHENTICATED');
    });
  });
});
