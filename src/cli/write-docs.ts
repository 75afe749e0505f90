import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { REFERENCE_DOCS, referenceDocs } from '@/api/reference-docs.js';
import { withDefaultServer } from './default-server.js';

/** `npm run docs`: writes the GraphQL reference (Markdown) and the REST API's OpenAPI document under docs/reference/. */
async function main(): Promise<void> {
  const docs = await withDefaultServer(referenceDocs);
  for (const [kind, path] of Object.entries(REFERENCE_DOCS)) {
    const target = resolve(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, docs[kind as keyof typeof REFERENCE_DOCS]);
    process.stdout.write(`Wrote ${target}\n`);
  }
}

void main();
