import type { LogStream } from '@/modules/executor/execution.types.js';
import type { LogLineRecord } from './invocation.record.js';

/** The output of one running invocation, numbered and capped as it is produced. */
export class LiveLog {
  readonly lines: LogLineRecord[];
  truncated = false;
  /** Set when the invocation ended: `lines` is then final. */
  finished = false;

  constructor(
    readonly invocationId: string,
    readonly functionId: string,
    private readonly maxLines: number,
    private readonly maxLineBytes: number,
    /** Lines of earlier runs of the same invocation (a retry goes on numbering after them). */
    earlier: readonly LogLineRecord[] = [],
  ) {
    this.lines = [...earlier];
  }

  /** Returns the stored line, or null once the cap is reached. */
  append(stream: LogStream, message: string): LogLineRecord | null {
    if (this.finished) return null;
    if (this.lines.length >= this.maxLines) {
      this.truncated = true;
      return null;
    }
    const line: LogLineRecord = { seq: this.lines.length + 1, timestamp: new Date(), stream, message: this.cap(message) };
    this.lines.push(line);
    return line;
  }

  private cap(message: string): string {
    if (message.length <= this.maxLineBytes / 4) return message;
    const bytes = Buffer.from(message);
    if (bytes.length <= this.maxLineBytes) return message;
    // Cut on a character boundary: decoding a partial sequence drops it.
    return `${bytes
      .subarray(0, this.maxLineBytes)
      .toString('utf8')
      .replace(/\uFFFD$/, '')}…[truncated]`;
  }
}
