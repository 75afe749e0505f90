import { describe, expect, it } from 'vitest';
import { newTraceId, traceIdGenerator } from './spans.js';

const millisecondsOf = (traceId: string) => Number.parseInt(traceId.slice(0, 12), 16);

describe('newTraceId', () => {
  it('starts with the time in milliseconds and ends with 80 random bits', () => {
    const before = Date.now();
    const ids = Array.from({ length: 2000 }, newTraceId);
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(millisecondsOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisecondsOf(id)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids.map((id) => id.slice(12))).size).toBe(ids.length);
  });

  it('orders ids made in later milliseconds after earlier ones', async () => {
    const first = newTraceId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(newTraceId() > first).toBe(true);
  });

  it('gives the XOR of the four 32-bit words (what the ratio sampler reads) an even spread', () => {
    // Of 4000 ids made within a few milliseconds, a sampler keeping 1/4 of traces keeps about 1000.
    const kept = Array.from({ length: 4000 }, newTraceId).filter((id) => {
      let accumulation = 0;
      for (let i = 0; i < 32; i += 8) accumulation = (accumulation ^ Number.parseInt(id.slice(i, i + 8), 16)) >>> 0;
      return accumulation < 0xffffffff / 4;
    }).length;
    expect(kept).toBeGreaterThan(850);
    expect(kept).toBeLessThan(1150);
  });

  it('is what the tracing SDK gives new traces; span ids stay 64 random bits', () => {
    expect(traceIdGenerator.generateTraceId).toBe(newTraceId);
    const spanIds = Array.from({ length: 100 }, traceIdGenerator.generateSpanId);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(spanIds).size).toBe(100);
  });
});
