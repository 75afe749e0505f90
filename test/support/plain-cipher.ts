import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';

/** An `EnvelopeCipher` for unit tests that are not about encryption: boxes hold the plaintext as is. */
export class PlainTestCipher extends EnvelopeCipher {
  seal(plaintext: Buffer): SealedBox {
    return { keyId: 'plain', wrappedKey: Buffer.alloc(0), ciphertext: Buffer.from(plaintext) };
  }

  open(box: SealedBox): Buffer {
    if (box.keyId !== 'plain') throw new Error(`No master key ${box.keyId}`);
    return Buffer.from(box.ciphertext);
  }

  rewrap(box: SealedBox): SealedBox {
    return box;
  }

  get currentKeyId(): string {
    return 'plain';
  }
}
