import { describe, expect, it } from 'vitest';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { PURGED_REQUEST } from '@/modules/invocations/invocation-request.js';
import { redactedHeaders, unreplayableReason } from './replayable.js';
import { firstIdAt } from './time-ordered-ids.js';

function recorded(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    trigger: 'HTTP',
    status: 'SUCCEEDED',
    requestTruncated: false,
    comparedWith: null,
    request: {
      method: 'POST',
      path: '/',
      headers: { cookie: '[redacted]', authorization: '[redacted]', accept: '*/*' },
      query: {},
      body: '{}',
      isBase64Encoded: false,
    },
    ...overrides,
  } as InvocationRecord;
}

describe('unreplayableReason', () => {
  it('lets finished requests of callers be replayed, failures included', () => {
    for (const trigger of ['HTTP', 'GRAPHQL', 'ASYNC'] as const) expect(unreplayableReason(recorded({ trigger }))).toBeNull();
    expect(unreplayableReason(recorded({ status: 'FAILED' }))).toBeNull();
  });

  it('names why the others cannot be', () => {
    expect(unreplayableReason(recorded({ trigger: 'SCHEDULE' }))).toMatch(/schedule's tick/);
    expect(unreplayableReason(recorded({ trigger: 'DESTINATION' }))).toMatch(/destination call/);
    expect(unreplayableReason(recorded({ trigger: 'SHADOW', comparedWith: 'i-1' }))).toMatch(/SHADOW run of invocation i-1/);
    expect(unreplayableReason(recorded({ status: 'RUNNING' }))).toMatch(/Not finished/);
    expect(unreplayableReason(recorded({ requestTruncated: true }))).toMatch(/kept only in part/);
    expect(unreplayableReason(recorded({ request: PURGED_REQUEST }))).toMatch(/retention/);
  });

  it('lists the headers kept only as [redacted]', () => {
    expect(redactedHeaders(recorded())).toEqual(['authorization', 'cookie']);
  });
});

describe('firstIdAt', () => {
  it('is the smallest time-ordered id of its millisecond', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const id = firstIdAt(at);
    expect(id).toBe(
      `${at.getTime().toString(16).padStart(12, '0').slice(0, 8)}-${at.getTime().toString(16).padStart(12, '0').slice(8)}-0000-0000-000000000000`,
    );
    expect(firstIdAt(new Date(at.getTime() + 1)) > id).toBe(true);
  });
});
