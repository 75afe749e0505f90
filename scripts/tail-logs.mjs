#!/usr/bin/env node
// Prints an invocation's log lines as they happen (graphql-ws subscription), e.g.
//   node scripts/tail-logs.mjs <invocationId> [--url http://127.0.0.1:8080]
// Set FNGRAPH_KEY to send an API key.
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string', default: process.env.FNGRAPH_URL ?? 'http://127.0.0.1:8080' }, from: { type: 'string', default: '0' } },
});
const [invocationId] = positionals;
if (!invocationId) {
  console.error('usage: node scripts/tail-logs.mjs <invocationId> [--url URL] [--from SEQ]');
  process.exit(2);
}

const client = createClient({
  url: `${values.url.replace(/^http/, 'ws')}/graphql`,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: process.env.FNGRAPH_KEY ? { authorization: `Bearer ${process.env.FNGRAPH_KEY}` } : {},
});
client.subscribe(
  {
    query: 'subscription($id: ID!, $from: Int) { invocationLogs(invocationId: $id, fromSeq: $from) { seq timestamp stream message } }',
    variables: { id: invocationId, from: Number(values.from) },
  },
  {
    next: ({ data, errors }) => {
      if (errors) console.error(JSON.stringify(errors));
      else {
        const line = data.invocationLogs;
        console.log(`${String(line.seq).padStart(4)} ${line.timestamp} ${line.stream.padEnd(6)} ${line.message}`);
      }
    },
    error: (error) => {
      console.error(error instanceof Error ? error.message : JSON.stringify(error));
      process.exit(1);
    },
    complete: () => client.dispose(),
  },
);
