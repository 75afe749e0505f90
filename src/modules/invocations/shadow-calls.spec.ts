import { describe, expect, it } from 'vitest';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import type { InvocationRecord } from './invocation.record.js';
import { type ShadowCall, ShadowCalls } from './shadow-calls.js';

const call = { primary: { id: 'i-1' } as InvocationRecord, response: null, event: {} as ShadowCall['event'], alias: 'prod', shadowVersion: '2.0.0' };

describe('ShadowCalls', () => {
  it('hands a call over on a later turn, never in the caller’s', async () => {
    const calls = new ShadowCalls(new RecordedErrors());
    const taken: ShadowCall[] = [];
    calls.handleWith((c) => taken.push(c));
    calls.offer(call);
    expect(taken).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(taken).toEqual([call]);
  });

  it('never throws at the caller: a failing handler is reported', async () => {
    const errors = new RecordedErrors();
    const calls = new ShadowCalls(errors);
    calls.handleWith(() => {
      throw new Error('broken');
    });
    expect(() => calls.offer(call)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.reports.map((r) => r.report.where)).toEqual(['shadowing invocation i-1']);
  });

  it('drops calls while nobody handles them', () => {
    expect(() => new ShadowCalls(new RecordedErrors()).offer(call)).not.toThrow();
  });
});
