'use strict';
// Bytes and text of responses, shared by the shim and its handler styles. Core modules only.

/** Content types whose bodies go out as text (others, as base64). */
const TEXT_TYPE = /^(text\/|application\/(json|[a-z.+-]*\+json|xml|[a-z.+-]*\+xml|javascript|x-www-form-urlencoded|x-ndjson))/i;

function toBytes(data) {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data);
  return Buffer.from(JSON.stringify(data) + '\n');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

module.exports = { TEXT_TYPE, toBytes, decodeUtf8 };
