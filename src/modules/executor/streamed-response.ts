import type { ResponseHead, ResponseSink } from './execution.types.js';
import type { HttpResult } from './http-result.js';

const TEXT_TYPE = /^(text\/|application\/(json|[a-z.+-]*\+json|xml|[a-z.+-]*\+xml|javascript|x-www-form-urlencoded|x-ndjson))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A response a function streams: passed on to the caller's sink chunk by chunk as the
 * sandbox sends them, and kept (its head, and its body up to `keepBytes`) as the
 * invocation's value.
 */
export class StreamedResponse implements ResponseSink {
  private head: ResponseHead | null = null;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  /** More bytes came than are kept. */
  truncated = false;

  constructor(
    private readonly downstream: ResponseSink | undefined,
    private readonly keepBytes: number,
  ) {}

  get started(): boolean {
    return this.head !== null;
  }

  start(head: ResponseHead): void {
    if (this.head) return;
    this.head = head;
    this.downstream?.start(head);
  }

  write(chunk: Buffer): void {
    if (!this.head) this.start({ statusCode: 200, headers: {} });
    const room = this.keepBytes - this.keptBytes;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.kept.push(kept);
      this.keptBytes += kept.length;
    }
    this.downstream?.write(chunk);
  }

  /** The response as an HTTP result: text when its type says so and it decodes, else base64. */
  value(): HttpResult {
    const head = this.head ?? { statusCode: 200, headers: {} };
    const bytes = Buffer.concat(this.kept);
    const type = head.headers['content-type'];
    const text = TEXT_TYPE.test(typeof type === 'string' ? type : 'text/plain') ? decode(bytes) : null;
    return { statusCode: head.statusCode, headers: head.headers, body: text ?? bytes.toString('base64'), isBase64Encoded: text === null };
  }
}

function decode(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    // A cut in the middle of a character: the whole characters before it.
    for (let end = bytes.length - 1; end >= Math.max(0, bytes.length - 3); end--) {
      try {
        return utf8.decode(bytes.subarray(0, end));
      } catch {
        // try one byte shorter
      }
    }
    return null;
  }
}
