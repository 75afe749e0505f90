import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Cryptographically random bytes, drawn from a pool refilled 4 KiB at a time: ids and
 * trace ids are made on every request, and one system call per id shows up there.
 * The returned view is only valid until the next call; copy what must be kept.
 */
export function randomView(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const view = pool.subarray(offset, offset + size);
  offset += size;
  return view;
}

/** `bytes` random bytes as lower-case hex (a trace id is 16, a span id 8). */
export function randomHex(bytes: number): string {
  return randomView(bytes).toString('hex');
}
