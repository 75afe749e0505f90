import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MasterKeyring } from './master-keyring.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM envelope encryption: one random data key per box, wrapped by the master key. */
@Injectable()
export class AesGcmEnvelopeCipher extends EnvelopeCipher {
  constructor(private readonly keyring: MasterKeyring) {
    super();
  }

  seal(plaintext: Buffer): SealedBox {
    const dataKey = randomBytes(32);
    try {
      const master = this.keyring.current;
      return { keyId: master.id, wrappedKey: encrypt(master.key, dataKey), ciphertext: encrypt(dataKey, plaintext) };
    } finally {
      dataKey.fill(0);
    }
  }

  open(box: SealedBox): Buffer {
    const dataKey = this.unwrap(box);
    try {
      return decrypt(dataKey, box.ciphertext);
    } finally {
      dataKey.fill(0);
    }
  }

  /** Rewraps the data key under the current master key; the ciphertext is untouched. */
  rewrap(box: SealedBox): SealedBox {
    if (box.keyId === this.keyring.current.id) return box;
    const dataKey = this.unwrap(box);
    try {
      return { ...box, keyId: this.keyring.current.id, wrappedKey: encrypt(this.keyring.current.key, dataKey) };
    } finally {
      dataKey.fill(0);
    }
  }

  get currentKeyId(): string {
    return this.keyring.current.id;
  }

  private unwrap(box: SealedBox): Buffer {
    const master = this.keyring.find(box.keyId);
    if (!master) throw new Error(`Master key ${box.keyId} is not configured; cannot decrypt`);
    return decrypt(master.key, box.wrappedKey);
  }
}

function encrypt(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
