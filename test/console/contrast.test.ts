import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The colour variables of one theme block of the console's style sheet. */
function themeVariables(css: string, selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6});/gi)].map((match) => [match[1]!, match[2]!.toLowerCase()]));
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Text colour on background colour, as the style sheet pairs them. */
const PAIRS: [string, string][] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'surface-2'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['muted', 'surface-2'],
  ['accent', 'surface'],
  ['accent', 'bg'],
  ['accent-text', 'accent'],
  ['ok', 'ok-bg'],
  ['bad', 'bad-bg'],
  ['bad', 'surface'],
  ['pending', 'pending-bg'],
];

describe('console colours', () => {
  const css = readFileSync(new URL('../../console/src/styles.css', import.meta.url), 'utf8');
  for (const [theme, selector] of [
    ['light', ':root'],
    ['dark', ":root[data-theme='dark']"],
  ] as const) {
    it(`keep text readable in the ${theme} theme (WCAG AA: contrast ≥ 4.5:1)`, () => {
      const colours = themeVariables(css, selector);
      const failing = PAIRS.map(([text, background]) => ({ pair: `${text} on ${background}`, ratio: contrast(colours[text]!, colours[background]!) })).filter(
        ({ ratio }) => !(ratio >= 4.5),
      );
      expect(failing).toEqual([]);
    });
  }
});
