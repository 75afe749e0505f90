import type { Readable } from 'node:stream';

export interface LineOptions {
  /** Longest line buffered, in UTF-16 code units; unlimited by default. */
  maxLineLength?: number;
  /**
   * What happens to a longer line: `stop` calls `onOversized` once and ignores the rest
   * of the stream (a protocol stream is broken then); `truncate` delivers its first
   * `maxLineLength` characters and skips the rest of it.
   */
  oversized?: 'stop' | 'truncate';
  /** `start`: the line's first characters (what it was, for a protocol frame). */
  onOversized?: (start: string) => void;
}

/** Characters of an oversized line handed to `onOversized`. */
const OVERSIZED_START = 256;

/**
 * Calls `onLine` for every complete line read from `stream` (without the newline).
 * A line growing past `maxLineLength` is never buffered whole, so a sandbox cannot
 * exhaust our memory by writing without newlines.
 */
export function onLines(stream: Readable, onLine: (line: string) => void, options: LineOptions = {}): void {
  const max = options.maxLineLength ?? Number.POSITIVE_INFINITY;
  let pending = '';
  let stopped = false;
  /** Inside an oversized line that was already delivered truncated. */
  let skipping = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (stopped) return;
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      if (skipping) skipping = false;
      else {
        const line = pending === '' ? chunk.slice(start, newline) : pending + chunk.slice(start, newline);
        if (line.length <= max) onLine(line);
        else if (options.oversized === 'truncate') onLine(line.slice(0, max));
        else {
          stopped = true;
          pending = '';
          options.onOversized?.(line.slice(0, OVERSIZED_START));
          return;
        }
      }
      pending = '';
      start = newline + 1;
    }
    if (skipping) return;
    pending += start === 0 ? chunk : chunk.slice(start);
    if (pending.length <= max) return;
    if (options.oversized === 'truncate') {
      onLine(pending.slice(0, max));
      skipping = true;
    } else {
      stopped = true;
      options.onOversized?.(pending.slice(0, OVERSIZED_START));
    }
    pending = '';
  });
  stream.on('end', () => {
    if (pending !== '' && !stopped && !skipping) onLine(pending);
    pending = '';
  });
}
