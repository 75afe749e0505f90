import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputTail, readRawOutput } from './raw-output.js';

function reader(options: { maxLineBytes?: number; budget?: number } = {}) {
  const stream = new PassThrough();
  const lines: string[] = [];
  let wanted = true;
  let spent = 0;
  const tail = new OutputTail(16);
  readRawOutput(stream, {
    maxLineBytes: options.maxLineBytes ?? 1024,
    spend: (bytes) => (spent += bytes) <= (options.budget ?? Number.POSITIVE_INFINITY),
    wantsLines: () => wanted,
    onLine: (line) => lines.push(line),
    tail,
  });
  const write = async (chunk: string | Buffer) => {
    stream.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { stream, lines, tail, write, spent: () => spent, want: (value: boolean) => (wanted = value) };
}

describe(readRawOutput.name, () => {
  it('splits lines across chunks, decoding UTF-8 cut between them, and drops carriage returns', async () => {
    const { lines, write } = reader();
    const euro = Buffer.from('€');
    await write(Buffer.concat([Buffer.from('one\r\ntw'), euro.subarray(0, 1)]));
    await write(Buffer.concat([euro.subarray(1), Buffer.from('o\nthree')]));
    await write('\n');
    expect(lines).toEqual(['one', 'tw€o', 'three']);
  });

  it('truncates a long line and skips the rest of it', async () => {
    const { lines, write } = reader({ maxLineBytes: 4 });
    await write('abcdefgh');
    await write('ijk\nok\n');
    expect(lines).toEqual(['abcd', 'ok']);
  });

  it('only counts (never splits) while no lines are wanted, and drops a line cut by that', async () => {
    const { lines, write, want, spent, tail } = reader();
    await write('kept\nhalf');
    want(false);
    await write(' of a line\nignored\n');
    want(true);
    await write('next\n');
    expect(lines).toEqual(['kept', 'next']);
    expect(spent()).toBe('kept\nhalf of a line\nignored\nnext\n'.length);
    expect(tail.text()).toBe('line\nignored\nnext\n'.slice(-16));
  });

  it('stops reading once the budget is overdrawn', async () => {
    const { lines, write } = reader({ budget: 10 });
    await write('12345\n');
    await write('67890\nmore\n');
    await write('after\n');
    expect(lines).toEqual(['12345']);
  });
});

describe(OutputTail.name, () => {
  it('keeps the last bytes and gives the last lines', () => {
    const tail = new OutputTail(12);
    tail.push(Buffer.from('first line\nsecond\n'));
    tail.push(Buffer.from('third\n'));
    expect(tail.text()).toBe('econd\nthird\n');
    expect(tail.lines(1)).toEqual(['third']);
    tail.push(Buffer.from('x'.repeat(40)));
    expect(tail.text()).toBe('x'.repeat(12));
  });
});
