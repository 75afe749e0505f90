/** Lines around each change in a hunk, as `diff -u` shows them. */
const CONTEXT_LINES = 3;
/** Beyond this many cells (changed lines before × after), the changed middle is shown as replaced whole instead of aligned line by line. */
const MAX_ALIGNED_CELLS = 4_000_000;

type Edit = { op: ' ' | '-' | '+'; line: string };

/**
 * A unified diff (`--- a`, `+++ b`, `@@` hunks with three lines of context) of two texts, line
 * by line; '' when they are equal. Lines are aligned by a longest common subsequence after the
 * common start and end are set aside; a middle too large to align is shown removed and re-added.
 */
export function unifiedDiff(before: string, after: string, names: { from: string; to: string }): string {
  if (before === after) return '';
  const edits = lineEdits(splitLines(before), splitLines(after));
  const hunks = hunksOf(edits);
  return [`--- ${names.from}`, `+++ ${names.to}`, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lineEdits(a: string[], b: string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const head: Edit[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  const tail: Edit[] = a.slice(endA).map((line) => ({ op: ' ', line }));
  return [...head, ...alignedMiddle(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function alignedMiddle(a: string[], b: string[]): Edit[] {
  const removed = (line: string): Edit => ({ op: '-', line });
  const added = (line: string): Edit => ({ op: '+', line });
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_ALIGNED_CELLS) return [...a.map(removed), ...b.map(added)];
  // lengths[i * (m + 1) + j]: longest common subsequence of a[i..] and b[j..].
  const n = a.length;
  const m = b.length;
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j] ? lengths[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lengths[(i + 1) * (m + 1) + j]!, lengths[i * (m + 1) + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i]! });
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * (m + 1) + j]! >= lengths[i * (m + 1) + j + 1]!) edits.push(removed(a[i++]!));
    else edits.push(added(b[j++]!));
  }
  while (i < n) edits.push(removed(a[i++]!));
  while (j < m) edits.push(added(b[j++]!));
  return edits;
}

function hunksOf(edits: Edit[]): string[] {
  const lines: string[] = [];
  let index = 0;
  let lineA = 1;
  let lineB = 1;
  while (index < edits.length) {
    // Skip to the next change, keeping count of the lines passed.
    let next = index;
    while (next < edits.length && edits[next]!.op === ' ') next += 1;
    if (next === edits.length) break;
    const start = Math.max(index, next - CONTEXT_LINES);
    for (let k = index; k < start; k += 1) {
      lineA += 1;
      lineB += 1;
    }
    // Extend while changes are within twice the context of each other.
    let end = next;
    let quiet = 0;
    while (end < edits.length && quiet <= CONTEXT_LINES * 2) {
      quiet = edits[end]!.op === ' ' ? quiet + 1 : 0;
      end += 1;
    }
    end = Math.min(edits.length, end - Math.max(0, quiet - CONTEXT_LINES));
    const hunk = edits.slice(start, end);
    const countA = hunk.filter((edit) => edit.op !== '+').length;
    const countB = hunk.filter((edit) => edit.op !== '-').length;
    lines.push(`@@ -${countA === 0 ? lineA - 1 : lineA},${countA} +${countB === 0 ? lineB - 1 : lineB},${countB} @@`);
    for (const edit of hunk) lines.push(`${edit.op}${edit.line}`);
    lineA += countA;
    lineB += countB;
    index = end;
  }
  return lines;
}
