import { describe, expect, it } from 'vitest';
import { ManualClock, SharedListCache, settle } from '@cloudpool/common';

/** A cache over a load that returns the number of loads started so far, settling when the test says. */
function countingCache(options: { ttlMs: number; gapMs?: number }) {
  const clock = new ManualClock();
  const pending: Array<() => void> = [];
  let started = 0;
  const cache = new SharedListCache(
    () => {
      const load = ++started;
      return new Promise<number>((resolve) => pending.push(() => resolve(load)));
    },
    { ttlMs: options.ttlMs, clock, ...(options.gapMs === undefined ? {} : { refreshGap: { ms: options.gapMs, timers: clock } }) },
  );
  const finishAll = async () => {
    for (const finish of pending.splice(0)) finish();
    await settle();
  };
  return { cache, clock, finishAll, started: () => started };
}

describe('SharedListCache', () => {
  it('shares one load between concurrent readers and serves it until the TTL ends', async () => {
    const { cache, clock, finishAll, started } = countingCache({ ttlMs: 1000 });
    const readers = [cache.get(), cache.get(), cache.get()];
    await finishAll();
    expect(await Promise.all(readers)).toEqual([1, 1, 1]);
    clock.advance(999);
    expect(await cache.get()).toBe(1);
    clock.advance(1);
    const next = cache.get();
    await finishAll();
    expect(await next).toBe(2);
    expect(started()).toBe(2);
  });

  it('never serves a load that started before the last invalidation', async () => {
    const { cache, finishAll } = countingCache({ ttlMs: 60_000 });
    const before = cache.get();
    cache.invalidate();
    const after = cache.get();
    await finishAll();
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    // The older load finishing does not replace the newer value.
    expect(await cache.get()).toBe(2);
  });

  it('does not cache a failed load', async () => {
    let fail = true;
    const cache = new SharedListCache(async () => {
      if (fail) throw new Error('page 2 failed');
      return 'listing';
    }, { ttlMs: 60_000 });
    await expect(cache.get()).rejects.toThrow('page 2 failed');
    fail = false;
    expect(await cache.get()).toBe('listing');
  });

  it('spaces the loads that follow invalidations by the refresh gap, one load serving every reader of the gap', async () => {
    const { cache, clock, finishAll, started } = countingCache({ ttlMs: 60_000, gapMs: 1000 });
    const first = cache.get();
    await finishAll();
    expect(await first).toBe(1);

    // Ten writes in the next 500 ms, each invalidating, each followed by a reader.
    const readers: Array<Promise<number>> = [];
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      cache.invalidate();
      readers.push(cache.get());
    }
    await finishAll();
    expect(started()).toBe(1);

    clock.advance(499);
    await finishAll();
    expect(started()).toBe(1);
    clock.advance(1);
    await settle();
    expect(started()).toBe(2);
    await finishAll();
    expect(await Promise.all(readers)).toEqual(Array(10).fill(2));
  });

  it('loads at once after an invalidation when the gap has already passed', async () => {
    const { cache, clock, finishAll, started } = countingCache({ ttlMs: 60_000, gapMs: 1000 });
    const first = cache.get();
    await finishAll();
    await first;
    clock.advance(1500);
    cache.invalidate();
    const reader = cache.get();
    expect(started()).toBe(2);
    await finishAll();
    expect(await reader).toBe(2);
  });
});
