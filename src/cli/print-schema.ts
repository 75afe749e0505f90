import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig } from '@/kernel/config/app-config.js';
import { printAppSchema } from '@/api/graphql/print-schema.js';
import { createServer } from '@/server.js';

/** `npm run schema`: writes the server's schema to schema/schema.graphql. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-schema-'));
  try {
    const app = await createServer(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir }));
    await app.init();
    const target = resolve(process.argv[2] ?? 'schema/schema.graphql');
    writeFileSync(target, printAppSchema(app));
    await app.close();
    process.stdout.write(`Wrote ${target}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
