import type { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { VersionSecrets } from './version.record.js';

/** A version's sealed box, opened (code, artifact, variables). */
export function openVersionSecrets(cipher: EnvelopeCipher, sealed: SealedBox): VersionSecrets {
  return JSON.parse(cipher.open(sealed).toString()) as VersionSecrets;
}

/** The code a version was registered with: the source's UTF-8 bytes, or the archive's. */
export function registeredCode(secrets: VersionSecrets): Buffer {
  return secrets.archive !== undefined ? Buffer.from(secrets.archive, 'base64') : Buffer.from(secrets.source);
}
