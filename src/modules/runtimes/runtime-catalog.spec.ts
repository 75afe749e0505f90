import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { defaultRuntime, type RuntimeId, resolveRuntime, runtimeDefinition, runtimeNotice } from './runtime-catalog.js';

const installed = (...ids: RuntimeId[]): ReadonlySet<RuntimeId> => new Set(ids);
const ALL = installed('nodejs24', 'nodejs22', 'nodejs20', 'python3.11');

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveRuntime', () => {
  it('maps every spelling of a Node.js major to its runtime', () => {
    for (const major of [22, 24]) {
      for (const spelling of [`nodejs${major}`, `node${major}`, `nodejs${major}.x`, `NodeJS${major}.X`]) {
        expect(resolveRuntime('javascript', spelling, ALL)).toBe(`nodejs${major}`);
      }
    }
    expect(resolveRuntime('typescript', 'nodejs20.x', ALL)).toBe('nodejs20');
  });

  it('gives the newest installed Node.js for node, nodejs and no runtime at all', () => {
    for (const requested of ['node', 'nodejs', undefined]) {
      expect(resolveRuntime('javascript', requested, ALL)).toBe('nodejs24');
      expect(resolveRuntime('typescript', requested, installed('nodejs22', 'nodejs20'))).toBe('nodejs22');
    }
  });

  it('prefers a supported Node.js over a deprecated newer-named one, and uses the deprecated one only when alone', () => {
    expect(resolveRuntime('javascript', 'node', installed('nodejs20', 'nodejs22'))).toBe('nodejs22');
    expect(resolveRuntime('javascript', 'node', installed('nodejs20'))).toBe('nodejs20');
  });

  it('defaults to the newest supported runtime when none of the language is installed', () => {
    expect(defaultRuntime('javascript', installed())).toBe('nodejs24');
    expect(resolveRuntime('python', undefined, installed())).toBe('python3.11');
  });

  it('rejects a runtime this server has not installed, naming the installed ones', () => {
    const error = rejection(() => resolveRuntime('javascript', 'nodejs22', installed('nodejs24', 'nodejs20')));
    expect(error.message).toBe('Runtime nodejs22 is not installed on this server');
    expect(error.details).toEqual([{ field: 'runtime', message: 'installed for javascript: nodejs24, nodejs20' }]);
    expect(rejection(() => resolveRuntime('javascript', 'node', installed('python3.11'))).details).toEqual([
      { field: 'runtime', message: 'no runtime for javascript is installed' },
    ]);
  });

  it('rejects unknown runtimes, listing deprecated spellings only while installed', () => {
    const without20 = rejection(() => resolveRuntime('javascript', 'nodejs18', installed('nodejs24')));
    expect(without20.message).toBe('Unknown runtime "nodejs18"');
    expect(without20.details[0].message).toContain('nodejs24.x');
    expect(without20.details[0].message).not.toContain('nodejs20');
    expect(rejection(() => resolveRuntime('javascript', 'nodejs18', ALL)).details[0].message).toContain('nodejs20');
  });

  it('rejects a runtime of another language', () => {
    expect(rejection(() => resolveRuntime('python', 'nodejs24', ALL)).message).toBe('Runtime "nodejs24" cannot run python');
    expect(rejection(() => resolveRuntime('javascript', 'python', ALL)).message).toBe('Runtime "python" cannot run javascript');
  });
});

describe('runtime definitions', () => {
  it('give each Node.js major its own image and interpreter version', () => {
    expect(runtimeDefinition('nodejs24')).toMatchObject({ interpreter: 'node', interpreterMajor: 24, image: 'fngraph/runtime-node:24' });
    expect(runtimeDefinition('nodejs22')).toMatchObject({ interpreter: 'node', interpreterMajor: 22, image: 'fngraph/runtime-node:22' });
    expect(runtimeDefinition('nodejs20')).toMatchObject({ interpreterMajor: 20, image: 'fngraph/runtime-node:20' });
  });

  it('mark only nodejs20 deprecated, with a build-log warning', () => {
    expect(runtimeNotice('nodejs20')).toMatch(/^WARNING: runtime nodejs20 is deprecated\. Node\.js 20 reached end of life/);
    expect(runtimeNotice('nodejs24')).toBe('');
    expect(runtimeNotice('nodejs22')).toBe('');
  });
});
