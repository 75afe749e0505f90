import { randomView } from './random-pool.js';

let lastMs = 0;
let sequence = 0;

/**
 * Ids are UUIDv7 (RFC 9562): unique without coordination between nodes and ordered by
 * creation time, so sorting by id is sorting by age (cursors and the invocation index
 * rely on it). Within one millisecond a 12-bit counter keeps this process's ids
 * increasing; should it run out, the timestamp moves on by one.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = randomView(2).readUInt16BE(0) & 0x7ff;
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  randomView(8).copy(bytes, 8);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
