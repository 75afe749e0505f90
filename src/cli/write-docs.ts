import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppConfig } from '@/kernel/config/app-config.js';
import { REFERENCE_DOCS, referenceDocs } from '@/api/reference-docs.js';
import { createServer } from '@/server.js';

/** `npm run docs`: writes the GraphQL reference (Markdown) and the REST API's OpenAPI document under docs/reference/. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-docs-'));
  try {
    // The defaults, as for schema/schema.graphql: the documents show the limits of a server without settings.
    const app = await createServer(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir }));
    await app.init();
    const docs = referenceDocs(app);
    await app.close();
    for (const [kind, path] of Object.entries(REFERENCE_DOCS)) {
      const target = resolve(path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, docs[kind as keyof typeof REFERENCE_DOCS]);
      process.stdout.write(`Wrote ${target}\n`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
