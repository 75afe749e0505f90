import { describe, expect, it } from 'vitest';
import { pinnedRequirements, verifyPipReport } from './pip-report.js';

const ALLOWED = ['https://pypi.example/', 'https://files.example/'];
const SHA = 'a'.repeat(64);
const wheel = (name: string, extra: Record<string, unknown> = {}, info: Record<string, unknown> = {}) => ({
  is_direct: false,
  metadata: { name, version: '1.0' },
  download_info: { url: `https://files.example/${name}-1.0-py3-none-any.whl`, archive_info: { hashes: { sha256: SHA } }, ...info },
  ...extra,
});

describe('verifyPipReport', () => {
  it('pins every wheel from the allowed origins to its sha256', () => {
    const verdict = verifyPipReport({ install: [wheel('six'), wheel('Requests')] }, ALLOWED);
    expect(verdict.problems).toEqual([]);
    expect(pinnedRequirements(verdict.pinned)).toBe(`six==1.0 --hash=sha256:${SHA}\nRequests==1.0 --hash=sha256:${SHA}\n`);
  });

  it.each([
    [
      'a wheel elsewhere',
      wheel('y', {}, { url: 'http://127.0.0.1:9/y-1.0-py3-none-any.whl' }),
      'y 1.0 comes from http://127.0.0.1:9/y-1.0-py3-none-any.whl, not from the configured index',
    ],
    ['a requirement by URL', wheel('y', { is_direct: true }), 'y 1.0 is required by URL (https://files.example/y-1.0-py3-none-any.whl)'],
    ['a local folder', wheel('y', {}, { url: 'file:///srv/repo', dir_info: {} }), 'y 1.0 is a local folder (file:///srv/repo)'],
    ['a VCS checkout', wheel('y', {}, { url: 'https://pypi.example/y.git', vcs_info: { vcs: 'git' } }), 'y 1.0 comes from version control'],
    [
      'a source distribution',
      wheel('y', {}, { url: 'https://files.example/y-1.0.tar.gz' }),
      'y 1.0 is a source distribution (https://files.example/y-1.0.tar.gz); only wheels',
    ],
    ['no hash', wheel('y', {}, { archive_info: {} }), 'has no sha256'],
    ['an option in the name', { ...wheel('y'), metadata: { name: 'y --index-url http://evil', version: '1.0' } }, 'is not a valid name and version'],
  ])('refuses %s', (_what, item, message) => {
    const verdict = verifyPipReport({ install: [wheel('six'), item] }, ALLOWED);
    expect(verdict.problems).toEqual([expect.stringContaining(message)]);
  });
});
