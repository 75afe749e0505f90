import { describe, expect, it } from 'vitest';
import { ConcurrencyMeter } from './concurrency-meter.js';

describe(ConcurrencyMeter.name, () => {
  it('averages the level over time between readings, counting invocations shorter than the period', () => {
    let now = 0;
    const meter = new ConcurrencyMeter(() => now);
    now = 100;
    meter.change(1); // one invocation from 100 to 300 ms
    now = 300;
    meter.change(-1);
    now = 1000;
    expect(meter.takeAverage()).toBeCloseTo(0.2);

    meter.change(2);
    now = 1500;
    meter.change(1);
    now = 2000;
    expect(meter.takeAverage()).toBeCloseTo(2.5);
    expect(meter.current).toBe(3);
  });

  it('reads the current level when no time passed', () => {
    let now = 0;
    const meter = new ConcurrencyMeter(() => now);
    meter.change(4);
    expect(meter.takeAverage()).toBe(4);
    now = 10;
    expect(meter.takeAverage()).toBe(4);
  });
});
