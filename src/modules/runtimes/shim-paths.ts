import { fileURLToPath } from 'node:url';

/** Directory holding one sub-directory per runtime shim (`node/`, `python/`). */
export const SHIMS_DIR = fileURLToPath(new URL('./shims', import.meta.url));
