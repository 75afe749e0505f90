import { join } from 'node:path';
import type { RuntimeId } from './runtime-catalog.js';

/**
 * Inside a dependencies directory, where the runtime's module resolution must look:
 * npm installs into `node_modules/`, pip (`--target`) into `site-packages/`.
 */
export function dependencyModulePath(runtime: RuntimeId, dependenciesPath: string): string {
  return runtime === 'python3.11' ? join(dependenciesPath, 'site-packages') : join(dependenciesPath, 'node_modules');
}
