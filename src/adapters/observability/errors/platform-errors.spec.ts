import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { PlatformErrors } from './platform-errors.js';

function platformErrors(kept: number) {
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_PLATFORM_ERRORS_KEPT: String(kept) });
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
  const metrics = new PlatformMetrics(config);
  return { errors: new PlatformErrors(metrics, logger, config), lines, metrics };
}

describe('PlatformErrors', () => {
  it('keeps the most recent errors, newest first, in a bounded ring', () => {
    const { errors } = platformErrors(3);
    for (let i = 1; i <= 5; i++) errors.report(new Error(`error ${i}`), { source: 'graphql' });
    expect(errors.total).toBe(5);
    expect(errors.recent().map((e) => e.message)).toEqual(['error 5', 'error 4', 'error 3']);
    expect(errors.recent(2).map((e) => e.message)).toEqual(['error 5', 'error 4']);
  });

  it('logs each error once with its stack and counts it by source', async () => {
    const { errors, lines, metrics } = platformErrors(10);
    errors.report(new TypeError('boom'), { source: 'http', where: 'GET /x' });
    errors.report(new Error('sandbox failure'), { source: 'executor' });
    expect(lines).toHaveLength(2);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ unexpected: true, errorSource: 'http', where: 'GET /x', err: { type: 'TypeError', message: 'boom' } });
    expect(line.err.stack).toContain('TypeError: boom');
    const text = await metrics.registry.metrics();
    expect(text).toContain('fngraph_platform_errors_total{source="http"} 1');
    expect(text).toContain('fngraph_platform_errors_total{source="executor"} 1');
  });

  it('records what is not an Error too', () => {
    const { errors } = platformErrors(10);
    const entry = errors.report('a string', { source: 'background' });
    expect(entry).toMatchObject({ type: 'string', message: 'a string', stack: null });
  });
});
