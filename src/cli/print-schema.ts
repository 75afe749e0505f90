import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printAppSchema } from '@/api/graphql/print-schema.js';
import { withDefaultServer } from './default-server.js';

/** `npm run schema`: writes the server's schema to schema/schema.graphql. */
async function main(): Promise<void> {
  const schema = await withDefaultServer(printAppSchema);
  const target = resolve(process.argv[2] ?? 'schema/schema.graphql');
  writeFileSync(target, schema);
  process.stdout.write(`Wrote ${target}\n`);
}

void main();
