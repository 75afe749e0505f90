import { describe, expect, it } from 'vitest';
import { newId } from '@/common/ids/new-id.js';

describe('newId', () => {
  it('orders ids by creation time', async () => {
    const first = newId();
    await new Promise((r) => setTimeout(r, 2));
    const second = newId();
    expect(first < second).toBe(true);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
  });
});
