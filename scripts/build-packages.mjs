#!/usr/bin/env node
// Builds the npm packages kept in this repository — the SDK `@fngraph/sdk`
// (sdk/typescript) and the CLI `fngraph` (cli/, which depends on the SDK) — with tsc, then
// packs both (`npm pack`) into .fngraph/packages/ for the tests that install the tarballs.
//   node scripts/build-packages.mjs               # build and pack (scripts/test runs it)
//   node scripts/build-packages.mjs --if-present  # build only, and only where the sources are
//                                                 # (the `prepare` script: `npm ci` in a clone
//                                                 # builds the CLI so `npx fngraph` works; the
//                                                 # Docker build has the manifests only)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const packages = ['sdk/typescript', 'cli'];
const ifPresent = process.argv.includes('--if-present');

for (const dir of packages) {
  if (ifPresent && !existsSync(join(root, dir, 'tsconfig.json'))) {
    console.log(`build-packages: ${dir} has no sources here, skipped`);
    continue;
  }
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(root, dir), stdio: 'inherit' });
}

if (!ifPresent) {
  const destination = join(root, '.fngraph', 'packages');
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  for (const dir of packages) {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: join(root, dir), stdio: ['ignore', 'ignore', 'inherit'] });
  }
  console.log(`build-packages: ${readdirSync(destination).join(', ')} in ${destination}`);
}
