import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { bundlesSuite } from './bundles.suite.js';

// The folders of archive versions outside the data directory, as on a tmpfs (FNGRAPH_CODE_DIR).
const codeDir = mkdtempSync(join(tmpdir(), 'fngraph-code-'));
// Traversable by the sandbox user, as a tmpfs mount point would be; the server makes its own folder inside private.
chmodSync(codeDir, 0o711);
afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

bundlesSuite('process', { FNGRAPH_CODE_DIR: join(codeDir, 'code') });
