#!/usr/bin/env node
// Prints one invocation's log lines as they happen (graphql-ws `invocationLogs`), e.g.
//   node scripts/tail-logs.mjs <invocationId> [--url http://127.0.0.1:8080] [--from SEQ]
// Set FNGRAPH_KEY (or FNGRAPH_API_KEY) to send an API key. Built on the SDK (@fngraph/sdk,
// built by `npm ci` / `npm run build:packages`), so a refused key or an unreachable server is
// a message with its code, not `{}`. For a function's lines across invocations (and server
// restarts): `npx fngraph logs <name> --follow`.
import { parseArgs } from 'node:util';
import { FngraphClient, FngraphError, InvocationLogsDocument } from '@fngraph/sdk';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string', default: process.env.FNGRAPH_URL ?? 'http://127.0.0.1:8080' }, from: { type: 'string', default: '0' } },
});
const [invocationId] = positionals;
if (!invocationId) {
  console.error('usage: node scripts/tail-logs.mjs <invocationId> [--url URL] [--from SEQ]');
  process.exit(2);
}

const client = new FngraphClient({ url: values.url, credential: process.env.FNGRAPH_KEY ?? process.env.FNGRAPH_API_KEY });
try {
  for await (const { invocationLogs: line } of client.subscribe(InvocationLogsDocument, { invocationId, fromSeq: Number(values.from) })) {
    console.log(`${String(line.seq).padStart(4)} ${line.timestamp} ${line.stream.padEnd(6)} ${line.message}`);
  }
} catch (error) {
  const code = error instanceof FngraphError ? error.code : undefined;
  console.error(`tail-logs: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}`);
  process.exitCode = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? 3 : code === 'NETWORK_ERROR' ? 4 : 1;
} finally {
  await client.close();
}
