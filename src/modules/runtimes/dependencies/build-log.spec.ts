import { describe, expect, it } from 'vitest';
import { BuildLog, MAX_BUILD_LOG_BYTES, secretValues } from './build-log.js';

describe('BuildLog', () => {
  it('masks credentials, host paths and terminal escapes', () => {
    const log = new BuildLog(['s3cr3t-token-value'], { '/srv/fngraph/data/dependencies': '<dependency-cache>' });
    expect(log.append('GET https://user:hunter22@registry.example/pkg')).toBe('GET https://***@registry.example/pkg');
    expect(log.append('//registry.example/:_authToken=abcdef123')).toBe('//registry.example/:_authToken=***');
    expect(log.append('token s3cr3t-token-value leaked')).toBe('token *** leaked');
    expect(log.append('$ npm install --prefix /srv/fngraph/data/dependencies/nodejs20/.building-x')).toBe(
      '$ npm install --prefix <dependency-cache>/nodejs20/.building-x',
    );
    expect(log.append('\u001b[31mnpm error\u001b[0m code E404\u0007')).toBe('npm error code E404');
    expect(log.text().split('\n')).toHaveLength(5);
  });

  it('keeps the end of a long log and says how much was dropped', () => {
    const log = new BuildLog();
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) log.append(`${i} ${line}`);
    log.append('the error at the end');
    const text = log.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_BUILD_LOG_BYTES + 100);
    expect(text).toMatch(/^\[\d+ earlier lines dropped\]\n/);
    expect(text.endsWith('the error at the end')).toBe(true);
    expect(log.lineCount).toBe(201);
  });

  it('shortens a single huge line', () => {
    const stored = new BuildLog().append('y'.repeat(10_000));
    expect(stored.length).toBeLessThan(2100);
    expect(stored.endsWith('[line shortened]')).toBe(true);
  });

  it('treats variables named like credentials as secrets', () => {
    expect(secretValues({ HOME: '/root', npm_config__authToken: 'abc', PIP_INDEX_URL: 'https://x', NPM_TOKEN: 't' }).sort()).toEqual(['abc', 't']);
  });
});
