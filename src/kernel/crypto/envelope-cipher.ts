import type { SealedBox } from './sealed-box.js';

/**
 * Port: envelope encryption at rest. Each payload is sealed under its own data key,
 * wrapped by the current master key; rotating the master key rewraps data keys only.
 */
export abstract class EnvelopeCipher {
  abstract seal(plaintext: Buffer): SealedBox;
  /** Throws when the box's master key is not configured, or the box was tampered with. */
  abstract open(box: SealedBox): Buffer;
  /** The same box, its data key wrapped by the current master key (the ciphertext is untouched). */
  abstract rewrap(box: SealedBox): SealedBox;
  /** Fingerprint of the master key new boxes are sealed under. */
  abstract get currentKeyId(): string;
}
