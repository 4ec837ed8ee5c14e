import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../src/ratelimit/adaptive-rate.js';

const settings = { minRatePerSecond: 1, decreaseFactor: 0.5, recoveryPerSecond: 1 };

describe('AdaptiveRate', () => {
  it('multiplies the rate down on a throttle and recovers linearly to the configured rate, never above', () => {
    const rate = new AdaptiveRate(8, settings);
    expect(rate.rateAt(0)).toBe(8);
    expect(rate.decrease(1000, 900)).toBe(true);
    expect(rate.rateAt(1000)).toBe(4);
    expect(rate.rateAt(3000)).toBe(6);
    expect(rate.rateAt(5000)).toBe(8);
    expect(rate.rateAt(600_000)).toBe(8);
  });

  it('decreases from the partly recovered rate and never below the floor', () => {
    const rate = new AdaptiveRate(8, settings);
    rate.decrease(0, 0); // 4
    rate.decrease(2000, 1000); // recovered to 6, halved to 3
    expect(rate.rateAt(2000)).toBe(3);
    rate.decrease(2001, 2001); // 1.5
    rate.decrease(2002, 2002); // 0.75, floored
    expect(rate.rateAt(2002)).toBeCloseTo(1);
  });

  it('ignores throttles of calls sent no later than the last decrease', () => {
    const rate = new AdaptiveRate(8, settings);
    rate.decrease(100, 0);
    expect(rate.decrease(150, 0)).toBe(false);
    expect(rate.decrease(150, 100)).toBe(false);
    expect(rate.rateAt(100)).toBe(4);
  });

  it('rejects settings that cannot work', () => {
    expect(() => new AdaptiveRate(8, { ...settings, decreaseFactor: 1 })).toThrow(/decreaseFactor/);
    expect(() => new AdaptiveRate(8, { ...settings, minRatePerSecond: 9 })).toThrow(/exceeds ratePerSecond/);
    expect(() => new AdaptiveRate(8, { ...settings, recoveryPerSecond: 0 })).toThrow(/recoveryPerSecond/);
  });
});
