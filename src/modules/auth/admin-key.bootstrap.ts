import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { parseApiKey, secretMatches } from './api-key-token.js';
import { ApiKeysService } from './api-keys.service.js';
import { ensurePrivateDirectory } from '@/kernel/files/private-files.js';

export const ADMIN_KEY_FILE = 'admin.key';
export const BOOTSTRAP_ADMIN_SUBJECT = 'admin';

/**
 * The first admin key: `FNGRAPH_BOOTSTRAP_ADMIN_KEY` when set (stored once, then used like
 * any key, revocable), otherwise, on a first start with no key at all, a generated one
 * written to `<dataDir>/admin.key` (mode 0600) and, outside production, printed once for the quick start.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.auth.bootstrapAdminKey;
    if (configured) return this.ensureConfiguredKey(configured);
    if (await this.apiKeys.any()) return;
    const { token } = await this.apiKeys.insertNew({
      name: 'bootstrap admin',
      ownerId: BOOTSTRAP_ADMIN_SUBJECT,
      roles: ['admin'],
      expiresAt: null,
      createdBy: null,
    });
    const file = join(this.config.dataDir, ADMIN_KEY_FILE);
    ensurePrivateDirectory(this.config.dataDir, this.config.dataDirMode);
    rmSync(file, { force: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    // Production logs are shipped and kept elsewhere: the key goes only to its file there.
    // Outside production the quick start shows it once, as the README's worked example expects.
    if (this.config.isProduction) this.logger.warn('No API key existed: created an admin key (not logged in production).');
    else this.logger.warn(`No API key existed: created an admin key (shown once): ${token}`);
    this.logger.warn(`It is in ${file} (mode 0600): export FNGRAPH_KEY=$(cat ${file}); create your own keys with createApiKey, then revoke this one.`);
  }

  private async ensureConfiguredKey(token: string): Promise<void> {
    const parsed = parseApiKey(token);
    if (!parsed) return;
    const existing = await this.apiKeys.findByPrefix(parsed.prefix);
    if (!existing) {
      try {
        await this.apiKeys.insertNew({
          name: 'bootstrap admin (FNGRAPH_BOOTSTRAP_ADMIN_KEY)',
          ownerId: BOOTSTRAP_ADMIN_SUBJECT,
          roles: ['admin'],
          expiresAt: null,
          createdBy: null,
          token,
        });
      } catch (error) {
        // Another node stored it at the same moment.
        if (!(await this.apiKeys.findByPrefix(parsed.prefix))) throw error;
      }
      this.logger.log('Stored the admin key from FNGRAPH_BOOTSTRAP_ADMIN_KEY');
      return;
    }
    if (!secretMatches(parsed.secret, existing.secretHash)) {
      this.logger.error('FNGRAPH_BOOTSTRAP_ADMIN_KEY clashes with the prefix of another stored key; it will not authenticate');
    } else if (existing.revokedAt) {
      this.logger.warn('FNGRAPH_BOOTSTRAP_ADMIN_KEY was revoked; it stays revoked (remove the setting)');
    }
  }
}
