import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, RequestTimeoutError, ValidationError } from '@/kernel/errors/domain-error.js';

const EMPTY = Buffer.alloc(0);

/** Whether the request announces a body (a length above 0, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== '0');
}

/**
 * The whole request body, refused past `limit` bytes (announced or actually sent), and
 * refused with 408 unless it has arrived whole `timeoutMs` after reading began (a client
 * trickling or stalling its body holds memory and a connection). Requests without a body
 * (the usual GET) are answered without waiting for the stream.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  if (!hasBody(req)) return Promise.resolve(EMPTY);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Stop reading but let the response go out: the client is told why.
    const stop = (error: Error) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.pause();
      reject(error);
    };
    const timer = setTimeout(() => stop(new RequestTimeoutError(timeoutMs)), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    // The client went away mid-body: its doing, not an error of the platform's (nobody is left to answer).
    req.once('error', () => stop(new ValidationError('The connection closed before the whole request body arrived')));
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`Request body is too large (the limit is ${limit} bytes)`);
}
