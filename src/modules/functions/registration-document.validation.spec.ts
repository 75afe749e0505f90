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

describe('codeFormat and handler', () => {
  const document = (fields: Record<string, unknown>) =>
    parseOrThrow(documentSchema, { name: 'greet', language: 'javascript', code, ...fields }, 'function document');
  const notUtf8 = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe]).toString('base64');

  it('decodes code to bytes, takes the format in any case, and checks UTF-8 only for one source file', () => {
    expect(document({}).code).toEqual(Buffer.from('export default () => 1'));
    expect(document({ codeFormat: 'ZIP', code: notUtf8 }).codeFormat).toBe('zip');
    expect(document({ codeFormat: 'Tgz', code: notUtf8, handler: 'src/app.handler' })).toMatchObject({ codeFormat: 'tgz', handler: 'src/app.handler' });
    expect(rejection(() => document({ code: notUtf8 }))).toEqual({
      field: 'code',
      message: 'must decode to UTF-8 text (an archive needs codeFormat zip, tar or tgz)',
    });
    expect(rejection(() => document({ codeFormat: 'rar' }))).toEqual({ field: 'codeFormat', message: 'must be one of source, zip, tar, tgz' });
  });

  it.each(['index.lambdaHandler', 'src/app.handler', 'main.handle', 'pkg/mod.handle', 'pkg.mod.handle', 'api/v1.2/users.$get'])(
    'accepts the handler %s',
    (handler) => {
      expect(document({ handler }).handler).toBe(handler);
    },
  );

  it.each(['handler', '../x.handler', '/abs/app.handler', 'src//app.handler', 'src/.hidden.handler', 'app.', 'app.1st', 'a b.handler'])(
    'refuses the handler %s',
    (handler) => {
      expect(rejection(() => document({ handler })).field).toBe('handler');
    },
  );

  it('takes codeFormat in an update only with code', () => {
    expect(rejection(() => parseOrThrow(patchSchema, { codeFormat: 'zip' }, 'function update'))).toEqual({
      field: 'codeFormat',
      message: 'is only accepted with code (it says how that code is packed)',
    });
    expect(parseOrThrow(patchSchema, { handler: 'app.main' }, 'function update').handler).toBe('app.main');
  });
});
