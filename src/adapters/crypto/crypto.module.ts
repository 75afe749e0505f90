import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import { AesGcmEnvelopeCipher } from './aes-gcm-envelope-cipher.js';
import { MasterKeyring } from './master-keyring.js';
import { ensurePrivateDirectory } from '@/kernel/files/private-files.js';

/**
 * Without a configured master key (allowed outside production only) a key is generated
 * once into the data directory, so the embedded quick start needs no set-up.
 */
export function loadKeyring(config: AppConfig): MasterKeyring {
  // Previous keys only unwrap: data sealed before a rotation stays readable until rewrapped.
  if (config.masterKey) return MasterKeyring.fromKeys(config.masterKey, config.previousMasterKeys);
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) {
    ensurePrivateDirectory(config.dataDir, config.dataDirMode);
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    new Logger('Crypto').warn(`No FNGRAPH_MASTER_KEY set: generated ${file}. Set the variable in production.`);
  }
  return MasterKeyring.fromKeys(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), config.previousMasterKeys);
}

/** Encryption at rest: AES-256-GCM envelopes under the configured master key(s). */
@Module({
  providers: [
    { provide: MasterKeyring, useFactory: loadKeyring, inject: [AppConfig] },
    { provide: EnvelopeCipher, useClass: AesGcmEnvelopeCipher },
  ],
  exports: [EnvelopeCipher],
})
export class CryptoModule {}
