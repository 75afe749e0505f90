import { describe, expect, it } from 'vitest';
import { errorSeenBy } from './invocation-error-view.js';

const thrown = {
  id: 'inv-1',
  status: 'FAILED' as const,
  error: { type: 'KeyError', message: "'db_password'", stack: 'Traceback ...\n  secret = env["db_password"]' },
};

describe('errorSeenBy', () => {
  it('gives the whole error to whoever may read the code', () => {
    expect(errorSeenBy(thrown, true)).toEqual(thrown.error);
  });

  it('gives anyone else a generic message naming the invocation, without the exception’s type, text or stack', () => {
    expect(errorSeenBy(thrown, false)).toEqual({ type: 'FunctionError', message: 'The function failed (invocation inv-1)' });
  });

  it('keeps the type fngraph wrote, never its message (a crash quotes the function’s last output)', () => {
    const crash = { id: 'inv-2', status: 'FAILED' as const, error: { type: 'SandboxCrashed', message: 'exited with 1: token=abc' } };
    expect(errorSeenBy(crash, false)).toEqual({ type: 'SandboxCrashed', message: 'The function failed (invocation inv-2)' });
    const timeout = { id: 'inv-3', status: 'TIMED_OUT' as const, error: { type: 'Timeout', message: 'The function did not finish within 3 s' } };
    expect(errorSeenBy(timeout, false)).toEqual({ type: 'Timeout', message: 'The function timed out (invocation inv-3)' });
  });

  it('leaves an invocation without error as it is', () => {
    expect(errorSeenBy({ id: 'inv-4', status: 'SUCCEEDED', error: null }, false)).toBeNull();
  });
});
