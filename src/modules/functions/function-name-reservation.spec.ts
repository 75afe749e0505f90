import { describe, expect, it } from 'vitest';
import type { Principal } from '@/kernel/identity/principal.js';
import { isReservedForOthers, nameTakenError, versionFloor } from './function-name-reservation.js';

const alice: Principal = { kind: 'apiKey', subject: 'alice', roles: ['developer'] };
const tombstone = (ownerId: string | null, latestVersion: string, releasedAt: Date | null = null) => ({ ownerId, latestVersion, releasedAt });

describe('function name reservation', () => {
  it("reserves a deleted function's name for its owner until released", () => {
    expect(isReservedForOthers([], alice)).toBe(false);
    expect(isReservedForOthers([tombstone('alice', '1.0.0')], alice)).toBe(false);
    expect(isReservedForOthers([tombstone('bob', '1.0.0')], alice)).toBe(true);
    expect(isReservedForOthers([tombstone('bob', '1.0.0', new Date())], alice)).toBe(false);
    expect(isReservedForOthers([tombstone('bob', '1.0.0', new Date()), tombstone('carol', '2.0.0')], alice)).toBe(true);
    // Functions from before authentication had no owner: they reserve nothing.
    expect(isReservedForOthers([tombstone(null, '1.0.0')], alice)).toBe(false);
  });

  it('starts a new function after the greatest version any earlier one had, released or not', () => {
    expect(versionFloor([])).toBeNull();
    expect(versionFloor([tombstone('a', '1.10.0'), tombstone('b', '1.9.3', new Date()), tombstone('c', '0.1.0')])).toBe('1.10.0');
  });

  it('says only that the name is taken', () => {
    const error = nameTakenError('payroll');
    expect(error.message).toBe('The name "payroll" is taken');
    expect(error.code).toBe('CONFLICT');
  });
});
