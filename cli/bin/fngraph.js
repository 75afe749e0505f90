#!/usr/bin/env node
// The `fngraph` command. A committed launcher (not the build output itself) so that npm links
// the command at install time, before a workspace's `prepare` has built dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('fngraph: the CLI is not built: run `npm run build:packages` in the fngraph repository\n');
  process.exit(2);
}
await import(main.href);
