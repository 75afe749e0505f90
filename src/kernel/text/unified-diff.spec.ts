import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

const names = { from: 'a/index.js (1.0.0)', to: 'b/index.js (1.1.0)' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', names)).toBe('');
  });

  it('shows a changed line with three lines of context and correct hunk ranges', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n') + '\n';
    const after = before.replace('6\n', 'six\n');
    expect(unifiedDiff(before, after, names)).toBe(
      ['--- a/index.js (1.0.0)', '+++ b/index.js (1.1.0)', '@@ -3,7 +3,7 @@', ' 3', ' 4', ' 5', '-6', '+six', ' 7', ' 8', ' 9', ''].join('\n'),
    );
  });

  it('keeps separate hunks for changes far apart, and handles added and removed lines', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', '').replace('line 18', 'line 18\nnew line');
    const diff = unifiedDiff(before, after, names);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('@@ -1,5 +1,4 @@\n line 1\n-line 2\n line 3');
    expect(diff).toContain('@@ -16,5 +15,6 @@\n line 16');
    expect(diff).toContain(' line 18\n+new line\n line 19');
  });

  it('diffs from and to an empty text', () => {
    expect(unifiedDiff('', 'a\n', names)).toContain('@@ -0,0 +1,1 @@\n+a');
    expect(unifiedDiff('a\n', '', names)).toContain('@@ -1,1 +0,0 @@\n-a');
  });
});
