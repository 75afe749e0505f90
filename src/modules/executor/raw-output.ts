import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

export interface RawOutputOptions {
  /** Longest line delivered, in bytes; the rest of a longer line is skipped. */
  maxLineBytes: number;
  /** Counts a chunk against the sandbox's output budget; false stops reading (the sandbox floods and is killed). */
  spend(bytes: number): boolean;
  /** Whether lines are wanted now: an invocation is in flight and its log is not full. */
  wantsLines(): boolean;
  onLine(line: string): void;
  /** Keeps the end of the output for crash reports. */
  tail?: OutputTail;
}

/**
 * Reads a sandbox's raw output (descriptors 1 and 2: native code, child processes) as
 * cheaply as it can: every chunk is counted against the budget, but split into lines
 * only while an invocation wants them. Otherwise (between invocations, or once the log
 * is full) a chunk costs a subtraction and a copy of at most the tail. Bytes, not text:
 * a newline byte never occurs inside a UTF-8 sequence, so lines are decoded whole.
 */
export function readRawOutput(stream: Readable, options: RawOutputOptions): void {
  const { maxLineBytes } = options;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Inside a line longer than allowed, already delivered truncated. */
  let skipping = false;
  let stopped = false;
  const forget = () => {
    pending = [];
    pendingBytes = 0;
  };
  const deliver = (end: Buffer) => {
    const line = pendingBytes === 0 ? end : Buffer.concat([...pending, end]);
    forget();
    const cut = line.length > maxLineBytes ? line.subarray(0, maxLineBytes) : line;
    options.onLine(cut.toString('utf8', 0, cut.length > 0 && cut[cut.length - 1] === 0x0d ? cut.length - 1 : cut.length));
  };
  stream.on('data', (chunk: Buffer) => {
    if (stopped) return;
    if (!options.spend(chunk.length)) {
      stopped = true;
      forget();
      return;
    }
    options.tail?.push(chunk);
    if (!options.wantsLines()) {
      // A line cut by the end of an invocation is not worth finishing for the next one.
      forget();
      skipping = false;
      return;
    }
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf(NEWLINE, start)) !== -1) {
      if (skipping) skipping = false;
      else deliver(chunk.subarray(start, newline));
      start = newline + 1;
      if (!options.wantsLines()) return;
    }
    if (skipping || start === chunk.length) return;
    const rest = chunk.subarray(start);
    if (pendingBytes + rest.length <= maxLineBytes) {
      pending.push(rest);
      pendingBytes += rest.length;
    } else {
      deliver(rest);
      skipping = true;
    }
  });
  stream.on('end', () => {
    if (!stopped && !skipping && pendingBytes > 0 && options.wantsLines()) deliver(Buffer.alloc(0));
    forget();
  });
}

/** The last bytes of a stream, kept without splitting it: what a crash report quotes. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = 16 * 1024) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.maxBytes) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.maxBytes))];
      this.size = this.maxBytes;
      return;
    }
    // Copied: a slice would keep the whole read buffer alive.
    this.chunks.push(Buffer.from(chunk));
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.maxBytes) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.maxBytes)).toString('utf8');
  }

  /** The last `count` lines (the first may be cut). */
  lines(count: number): string[] {
    const lines = this.text().split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  }
}
