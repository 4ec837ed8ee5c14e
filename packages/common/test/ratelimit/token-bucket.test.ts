import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/ratelimit/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and refills continuously up to the burst', () => {
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 2, now: 0 });
    bucket.take(0);
    bucket.take(0);
    expect(bucket.hasToken(0)).toBe(false);
    expect(bucket.available(125)).toBeCloseTo(0.5);
    expect(bucket.msUntilToken(125)).toBeCloseTo(125);
    expect(bucket.hasToken(250)).toBe(true);
    expect(bucket.available(60_000)).toBe(2);
  });

  it('keeps tokens earned at the old rate when the rate changes', () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 1, now: 0 });
    bucket.take(0);
    bucket.setRate(1, 250); // earned 0.5 at 2/s
    expect(bucket.available(250)).toBeCloseTo(0.5);
    expect(bucket.msUntilToken(250)).toBeCloseTo(500); // the missing 0.5 at 1/s
  });

  it('refuses to take a token it does not have', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: 0 });
    bucket.take(0);
    expect(() => bucket.take(999)).toThrow(/without an available token/);
  });

  it('rejects a rate that is not positive and a burst below one', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1, now: 0 })).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5, now: 0 })).toThrow(/burst/);
  });
});
