import { generateApiKey } from '@/modules/auth/api-key-token.js';

/** `npm run new-api-key`: prints a fresh API key token, e.g. for FNGRAPH_BOOTSTRAP_ADMIN_KEY. */
process.stdout.write(`${generateApiKey().token}\n`);
