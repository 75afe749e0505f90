import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { onLines } from './line-splitter.js';

function collect(chunks: string[], maxLineBytes?: number) {
  const stream = new PassThrough();
  const lines: string[] = [];
  let oversized = 0;
  onLines(stream, (l) => lines.push(l), maxLineBytes, () => oversized++);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return new Promise<{ lines: string[]; oversized: number }>((resolve) => stream.on('end', () => resolve({ lines, oversized })));
}

describe('onLines', () => {
  it('joins lines split across chunks and splits chunks holding several lines', async () => {
    const { lines } = await collect(['a', 'b\nc\n', '\nd', 'e']);
    expect(lines).toEqual(['ab', 'c', '', 'de']);
  });

  it('stops at an oversized line instead of buffering it', async () => {
    const { lines, oversized } = await collect(['ok\n', 'x'.repeat(50), 'y'.repeat(60), '\nlater\n'], 100);
    expect(lines).toEqual(['ok']);
    expect(oversized).toBe(1);
  });
});
