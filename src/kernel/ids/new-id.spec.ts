import { describe, expect, it } from 'vitest';
import { newId } from './new-id.js';

describe('newId', () => {
  it('is a version 7, variant 10 UUID', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('orders ids by creation time, also many within one millisecond', async () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const before = newId();
    await new Promise((r) => setTimeout(r, 2));
    expect(before < newId()).toBe(true);
  });

  it('carries its creation time in the first 48 bits', () => {
    const at = Date.now();
    const ms = Number.parseInt(newId().replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - at)).toBeLessThan(1000);
  });
});
