import { describe, expect, it } from 'vitest';
import { OUTPUT_WINDOW_MS, OutputBudget } from './output-budget.js';

function budget(bytesPerSecond: number, maxBytesPerInvocation = 0) {
  let now = 0;
  const subject = new OutputBudget({ bytesPerSecond, maxBytesPerInvocation }, () => now);
  return { subject, advance: (ms: number) => (now += ms) };
}

describe(OutputBudget.name, () => {
  it('lets a burst of one window through, and no more', () => {
    const { subject } = budget(1000);
    expect(subject.spend((1000 * OUTPUT_WINDOW_MS) / 1000, null)).toBe(true);
    expect(subject.overdrawn).toBeNull();
    expect(subject.spend(1, null)).toBe(false);
    expect(subject.overdrawn).toMatch(/^log flood: .*1000 bytes\/s/);
  });

  it('refills at the rate: a steady writer at the rate never floods', () => {
    const { subject, advance } = budget(1000);
    for (let second = 0; second < 100; second++) {
      expect(subject.spend(1000, { bytes: 0 })).toBe(true);
      advance(1000);
    }
    expect(subject.overdrawn).toBeNull();
  });

  it('never holds more than one window: idle time does not buy a bigger burst', () => {
    const { subject, advance } = budget(1000);
    advance(60_000);
    expect(subject.spend(2000, null)).toBe(true);
    expect(subject.spend(10, null)).toBe(false);
  });

  it('caps what each invocation writes, whatever the rate, on its own count', () => {
    const { subject, advance } = budget(0, 5000);
    const first = { bytes: 0 };
    const second = { bytes: 0 };
    expect(subject.spend(4000, first)).toBe(true);
    // Another invocation in flight at the same time has its own count.
    expect(subject.spend(4000, second)).toBe(true);
    // Output of no known invocation does not count towards one.
    expect(subject.spend(4000, null)).toBe(true);
    advance(3_600_000);
    expect(subject.spend(1001, second)).toBe(false);
    expect(subject.overdrawn).toMatch(/^log flood: the invocation wrote more than 5000 bytes/);
  });

  it('stays overdrawn once it is', () => {
    const { subject, advance } = budget(10);
    subject.spend(100, null);
    advance(60_000);
    expect(subject.spend(1, null)).toBe(false);
  });

  it('limits nothing when both limits are 0', () => {
    const { subject } = budget(0, 0);
    expect(subject.spend(Number.MAX_SAFE_INTEGER, { bytes: 0 })).toBe(true);
  });
});
