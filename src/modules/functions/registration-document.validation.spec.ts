import { describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { registrationDocumentSchema, registrationPatchSchema } from './registration-document.validation.js';

const { limits, schedules } = AppConfig.fromEnvironment({ NODE_ENV: 'test' });
const documentSchema = registrationDocumentSchema(limits, schedules);
const patchSchema = registrationPatchSchema(limits, schedules);
const code = Buffer.from('export default () => 1').toString('base64');

const parseDocument = (executionConfig: unknown) =>
  parseOrThrow(documentSchema, { name: 'greet', language: 'javascript', code, executionConfig }, 'function document');
const parsePatch = (executionConfig: unknown) => parseOrThrow(patchSchema, { executionConfig }, 'function update');

/** The first error's field and message, as the API reports them. */
function rejection(parse: () => unknown): { field: string | undefined; message: string } {
  try {
    parse();
  } catch (error) {
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
    return (error as { details: Array<{ field: string | undefined; message: string }> }).details[0]!;
  }
  throw new Error('was accepted');
}

describe('async delivery policy in executionConfig', () => {
  it('accepts the bounds, explicit nulls, and nothing at all', () => {
    const config = {
      retry: { attempts: 10, backoffSeconds: 3600 },
      maxEventAgeSeconds: 86400,
      destinations: { onSuccess: 'audit-trail', onFailure: 'pager_duty' },
    };
    expect(parseDocument(config).executionConfig).toEqual(config);
    expect(parseDocument({ retry: { attempts: 1, backoffSeconds: 0 }, maxEventAgeSeconds: 60 }).executionConfig).toMatchObject({ maxEventAgeSeconds: 60 });
    expect(parseDocument({ maxEventAgeSeconds: null, destinations: { onSuccess: null, onFailure: null } }).executionConfig).toEqual({
      maxEventAgeSeconds: null,
      destinations: { onSuccess: null, onFailure: null },
    });
    expect(parseDocument({ retry: {}, destinations: {} }).executionConfig).toEqual({ retry: {}, destinations: {} });
    expect(parseDocument(undefined).executionConfig).toBeUndefined();
  });

  it.each([
    [{ retry: { attempts: 0 } }, 'executionConfig.retry.attempts', 'must be at least 1 (no retry)'],
    [{ retry: { attempts: 11 } }, 'executionConfig.retry.attempts', 'must be at most 10'],
    [{ retry: { attempts: 2.5 } }, 'executionConfig.retry.attempts', 'must be a whole number'],
    [{ retry: { backoffSeconds: -1 } }, 'executionConfig.retry.backoffSeconds', 'must be at least 0 seconds'],
    [{ retry: { backoffSeconds: 3601 } }, 'executionConfig.retry.backoffSeconds', 'must be at most 3600 seconds'],
    [{ retry: { attempts: 3, jitter: true } }, 'executionConfig.retry', expect.stringContaining('jitter')],
    [{ maxEventAgeSeconds: 59 }, 'executionConfig.maxEventAgeSeconds', 'must be at least 60 seconds'],
    [{ maxEventAgeSeconds: 86401 }, 'executionConfig.maxEventAgeSeconds', 'must be at most 86400 seconds'],
    [{ maxEventAgeSeconds: '3600' }, 'executionConfig.maxEventAgeSeconds', expect.any(String)],
    [{ destinations: { onSuccess: 'Not A Name' } }, 'executionConfig.destinations.onSuccess', expect.stringMatching(/^must be a function name: /)],
    [{ destinations: { onFailure: '' } }, 'executionConfig.destinations.onFailure', expect.stringMatching(/^must be a function name: /)],
    [{ destinations: { onError: 'x' } }, 'executionConfig.destinations', expect.stringContaining('onError')],
  ])('rejects %j at its path', (config, field, message) => {
    expect(rejection(() => parseDocument(config))).toEqual({ field, message });
    expect(rejection(() => parsePatch(config))).toEqual({ field, message });
  });

  it('rejects a registration whose destination is the function itself', () => {
    expect(rejection(() => parseDocument({ destinations: { onSuccess: 'other', onFailure: 'greet' } }))).toEqual({
      field: 'executionConfig.destinations.onFailure',
      message: 'must not be the function itself',
    });
  });
});
