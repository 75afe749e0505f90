import { describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { createLogger } from './create-logger.js';
import { PinoNestLogger } from './pino-nest-logger.js';
import { principalOnRequest, type RequestContext, runInRequestContext } from '@/kernel/telemetry/request-context.js';

async function capture(level = 'trace') {
  const lines: string[] = [];
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_LOG_LEVEL: level });
  const logger = await createLogger(config.observability, { stream: { write: (line: string) => void lines.push(line) } });
  return { logger, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the JSON logger', () => {
  it('adds the request context, the principal the security layer set, and what the request is about', async () => {
    const { logger, entries } = await capture();
    const req: { principal?: { subject: string } } = {};
    const context: RequestContext = { requestId: 'req-1', principal: () => principalOnRequest(req), traceId: 'a'.repeat(32) };
    runInRequestContext(context, () => {
      logger.info('before authentication');
      req.principal = { subject: 'user:alice' };
      Object.assign(context, { function: 'hello', invocationId: 'inv-1', operation: 'Invoke' });
      logger.info('after');
    });
    logger.info('outside');
    const [before, after, outside] = entries();
    expect(before).toMatchObject({ requestId: 'req-1', traceId: 'a'.repeat(32) });
    expect(before).not.toHaveProperty('principal');
    expect(after).toMatchObject({ requestId: 'req-1', principal: 'user:alice', function: 'hello', invocationId: 'inv-1', operation: 'Invoke' });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('redacts credentials and secrets in structured fields', async () => {
    const { logger, entries } = await capture();
    logger.info(
      {
        headers: { authorization: 'Bearer t0ken', cookie: 'c00kie', 'x-api-key': 'k3y', accept: 'text/plain' },
        input: { executionConfig: { environmentVariables: { A: 's3cret' } } },
        variables: { code: 'Y29kZQ==' },
        apiKey: 'k3y2',
      },
      'with secrets',
    );
    const text = JSON.stringify(entries()[0]);
    for (const secret of ['t0ken', 'c00kie', 'k3y', 's3cret', 'Y29kZQ==', 'k3y2']) expect(text).not.toContain(secret);
    expect(text).toContain('text/plain');
  });

  it('honours the configured level', async () => {
    const { logger, entries } = await capture('warn');
    logger.info('dropped');
    logger.warn('kept');
    expect(entries().map((e) => e.msg)).toEqual(['kept']);
  });
});

describe("Nest's logger on pino", () => {
  it('keeps the context, Error stacks, and moves start-up chatter to debug', async () => {
    const { logger, entries } = await capture();
    const nest = new PinoNestLogger(logger);
    nest.log('Storage: SQLite', 'StorageModule');
    nest.log('Mapped {/graphql, POST} route', 'RouterExplorer');
    nest.error('it failed', 'Error: it failed\n    at somewhere (file.js:1:1)', 'Executor');
    nest.warn(new Error('an error object'), 'Events');
    const [storage, mapped, failed, warned] = entries();
    expect(storage).toMatchObject({ level: 'info', context: 'StorageModule', msg: 'Storage: SQLite' });
    expect(mapped).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
    expect(failed).toMatchObject({ level: 'error', context: 'Executor', msg: 'it failed', stack: expect.stringContaining('at somewhere') });
    expect(warned).toMatchObject({ level: 'warn', context: 'Events', msg: 'an error object', err: { message: 'an error object' } });
  });
});
