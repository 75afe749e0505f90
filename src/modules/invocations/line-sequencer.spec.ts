import { describe, expect, it } from 'vitest';
import type { LogLineRecord } from './invocation.record.js';
import { LineSequencer } from './line-sequencer.js';

const line = (seq: number): LogLineRecord => ({ seq, timestamp: new Date(0), stream: 'stdout', message: `line ${seq}` });
const seqs = (lines: LogLineRecord[]) => lines.map((l) => l.seq);

describe('LineSequencer', () => {
  it('hands out lines in order, each once, whatever order and repetitions they come in', () => {
    const sequencer = new LineSequencer(0);
    for (const seq of [1, 2, 2, 1]) sequencer.offer(line(seq));
    expect(seqs(sequencer.take())).toEqual([1, 2]);
    for (const seq of [5, 4, 2]) sequencer.offer(line(seq));
    expect(sequencer.take()).toEqual([]);
    expect(sequencer.hasGap).toBe(true);
    for (const seq of [1, 2, 3, 4, 5, 6]) sequencer.offer(line(seq));
    expect(seqs(sequencer.take())).toEqual([3, 4, 5, 6]);
    expect(sequencer.hasGap).toBe(false);
    expect(sequencer.last).toBe(6);
  });

  it('starts after the seq it is given', () => {
    const sequencer = new LineSequencer(3);
    for (const seq of [1, 2, 3, 4]) sequencer.offer(line(seq));
    expect(seqs(sequencer.take())).toEqual([4]);
  });

  it('gives up on a gap by saying how many lines were missed', () => {
    const sequencer = new LineSequencer(1);
    for (const seq of [7, 4, 5]) sequencer.offer(line(seq));
    expect(sequencer.skipGaps().map(({ line: l, droppedBefore }) => [l.seq, droppedBefore])).toEqual([
      [4, 2],
      [5, 0],
      [7, 1],
    ]);
    expect(sequencer.hasGap).toBe(false);
    expect(sequencer.last).toBe(7);
  });
});
