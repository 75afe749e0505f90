/**
 * A payload encrypted with AES-256-GCM under its own random data key, the data key
 * itself encrypted ("wrapped") with the master key identified by `keyId` (envelope
 * encryption). Rotating the master key rewraps `wrappedKey` only.
 */
export interface SealedBox {
  /** Fingerprint of the master key that wrapped the data key. */
  keyId: string;
  /** iv (12 bytes) + auth tag (16 bytes) + encrypted data key (32 bytes). */
  wrappedKey: Buffer;
  /** iv (12 bytes) + auth tag (16 bytes) + ciphertext. */
  ciphertext: Buffer;
}
