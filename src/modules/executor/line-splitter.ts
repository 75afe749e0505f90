import type { Readable } from 'node:stream';

/**
 * Calls `onLine` for every complete line read from `stream` (without the newline).
 * A line growing past `maxLineBytes` is never buffered whole: `onOversized` is called
 * once and the rest of the stream is ignored, so a sandbox cannot exhaust our memory.
 */
export function onLines(
  stream: Readable,
  onLine: (line: string) => void,
  maxLineBytes = Number.POSITIVE_INFINITY,
  onOversized: () => void = () => undefined,
): void {
  let pending = '';
  let overflowed = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (overflowed) return;
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      const line = pending === '' ? chunk.slice(start, newline) : pending + chunk.slice(start, newline);
      pending = '';
      start = newline + 1;
      onLine(line);
    }
    pending += start === 0 ? chunk : chunk.slice(start);
    if (pending.length > maxLineBytes) {
      overflowed = true;
      pending = '';
      onOversized();
    }
  });
  stream.on('end', () => {
    if (pending !== '' && !overflowed) onLine(pending);
    pending = '';
  });
}
