import { describe, expect, it } from 'vitest';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import { nextVersion } from './version-numbering.js';

describe('nextVersion', () => {
  it('starts at the requested version or 1.0.0', () => {
    expect(nextVersion(null, undefined)).toBe('1.0.0');
    expect(nextVersion(null, '0.3.0')).toBe('0.3.0');
  });

  it('bumps the patch when no version is requested', () => {
    expect(nextVersion('1.2.3', undefined)).toBe('1.2.4');
    expect(nextVersion('1.2.3-beta.1', undefined)).toBe('1.2.3');
  });

  it('accepts only versions greater than the latest', () => {
    expect(nextVersion('1.2.3', '2.0.0')).toBe('2.0.0');
    expect(() => nextVersion('1.2.3', '1.2.3')).toThrow(ConflictError);
    expect(() => nextVersion('1.2.3', '1.0.0')).toThrow(ConflictError);
  });
});
