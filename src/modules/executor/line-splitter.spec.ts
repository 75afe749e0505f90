import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type LineOptions, onLines } from './line-splitter.js';

function collect(chunks: string[], options: LineOptions = {}) {
  const stream = new PassThrough();
  const lines: string[] = [];
  let oversized = 0;
  const starts: string[] = [];
  onLines(stream, (l) => lines.push(l), {
    ...options,
    onOversized: (start) => {
      oversized++;
      starts.push(start);
    },
  });
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return new Promise<{ lines: string[]; oversized: number; starts: string[] }>((resolve) => stream.on('end', () => resolve({ lines, oversized, starts })));
}

describe('onLines', () => {
  it('joins lines split across chunks and splits chunks holding several lines', async () => {
    const { lines } = await collect(['a', 'b\nc\n', '\nd', 'e']);
    expect(lines).toEqual(['ab', 'c', '', 'de']);
  });

  it('stops at an oversized line instead of buffering it', async () => {
    const { lines, oversized, starts } = await collect(['ok\n', 'x'.repeat(50), 'y'.repeat(60), '\nlater\n'], { maxLineLength: 100 });
    expect(lines).toEqual(['ok']);
    expect(oversized).toBe(1);
    // Its first characters say what it was.
    expect(starts).toEqual(['x'.repeat(50) + 'y'.repeat(60)]);
  });

  it('stops at an oversized line that arrives whole with its newline', async () => {
    const { lines, oversized, starts } = await collect(['x'.repeat(60), 'y'.repeat(60) + '\nlater\n'], { maxLineLength: 100 });
    expect(lines).toEqual([]);
    expect(oversized).toBe(1);
    expect(starts).toEqual(['x'.repeat(60) + 'y'.repeat(60)]);
  });

  it('can truncate oversized lines and go on with the next ones', async () => {
    const { lines, oversized } = await collect(['ok\n', 'x'.repeat(50), 'y'.repeat(60), 'z'.repeat(500), '\nlater\n', 'w'.repeat(150), '\n'], {
      maxLineLength: 100,
      oversized: 'truncate',
    });
    expect(lines).toEqual(['ok', 'x'.repeat(50) + 'y'.repeat(50), 'later', 'w'.repeat(100)]);
    expect(oversized).toBe(0);
  });
});
