import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/errors/cloud-error.js';
import { ApiQueue, type ApiCallKind, type ApiQueueOptions } from '../../src/ratelimit/index.js';
import { ManualClock, deferred, settle } from './manual-clock.js';

function queueWith(clock: ManualClock, options: Partial<ApiQueueOptions>): ApiQueue {
  return new ApiQueue({ name: 'test', ratePerSecond: 10, burst: 10, concurrency: 10, clock, ...options });
}

function throttled(retryAfterMs?: number): CloudError {
  return new CloudError('throttled', 'Request limit exceeded', { code: 'RequestLimitExceeded', retryAfterMs });
}

/** Runs a call that the cloud throttles `afterMs` after it starts; resolves with the error the caller got. */
async function throttledCall(queue: ApiQueue, clock: ManualClock, error: CloudError, kind: ApiCallKind = 'read', afterMs = 0) {
  const gate = deferred();
  const result = queue.run({ action: 'DescribeInstances', kind }, async () => {
    await gate.promise;
    throw error;
  });
  await clock.advanceSettling(afterMs);
  gate.resolve();
  return result.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

function recordStarts(queue: ApiQueue, clock: ManualClock, kinds: ApiCallKind[]): number[] {
  const starts: number[] = [];
  for (const kind of kinds) {
    void queue.run({ action: 'call', kind }, async () => {
      starts.push(clock.now());
    });
  }
  return starts;
}

describe('ApiQueue on throttling', () => {
  it('re-throws the throttle error and holds every new call, read or write, until retry-after has elapsed', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { writes: { ratePerSecond: 10 } });
    const error = throttled(3000);
    expect(await throttledCall(queue, clock, error, 'read', 100)).toBe(error);
    expect(queue.stats().pausedUntil).toBe(3100);

    const starts = recordStarts(queue, clock, ['read', 'write', 'read']);
    await clock.advanceTo(3099);
    expect(starts).toEqual([]);
    await clock.advanceSettling(1);
    expect(starts).toEqual([3100, 3100, 3100]);
    expect(queue.stats().pausedUntil).toBeUndefined();
  });

  it('holds calls that were already waiting for a slot', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { concurrency: 1 });
    const thrown = throttledCall(queue, clock, throttled(2000), 'write', 100);
    const starts = recordStarts(queue, clock, ['read']);
    await thrown;
    await clock.advanceTo(2099);
    expect(starts).toEqual([]);
    await clock.advanceSettling(1);
    expect(starts).toEqual([2100]);
  });

  it('pauses for throttlePauseMs (default 1 s) when the cloud gives no retry-after', async () => {
    const clock = new ManualClock(0);
    const defaultQueue = queueWith(clock, {});
    await throttledCall(defaultQueue, clock, throttled());
    expect(defaultQueue.stats().pausedUntil).toBe(1000);

    const configured = queueWith(clock, { throttlePauseMs: 250 });
    await throttledCall(configured, clock, throttled());
    expect(configured.stats().pausedUntil).toBe(250);
  });

  it('does not pause on other failures', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, {});
    const failure = new CloudError('transient', 'Service Unavailable', { code: '503' });
    expect(await throttledCall(queue, clock, failure)).toBe(failure);
    expect(queue.stats().pausedUntil).toBeUndefined();
    const starts = recordStarts(queue, clock, ['read']);
    await settle();
    expect(starts).toEqual([0]);
  });

  it('keeps the configured rate after a throttle when not adaptive', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 4 });
    await throttledCall(queue, clock, throttled(0));
    expect(queue.stats().effectiveRatePerSecond.read).toBe(4);
  });
});

describe('ApiQueue in adaptive mode', () => {
  const adaptive = { minRatePerSecond: 1, decreaseFactor: 0.5, recoveryPerSecond: 1 };

  it('halves the rate on a throttle and recovers to the configured rate, never above', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 4, burst: 1, adaptive });
    await throttledCall(queue, clock, throttled(0));
    expect(queue.stats().effectiveRatePerSecond.read).toBe(2);
    await clock.advanceSettling(1000);
    expect(queue.stats().effectiveRatePerSecond.read).toBe(3);
    await clock.advanceSettling(1000);
    expect(queue.stats().effectiveRatePerSecond.read).toBe(4);
    await clock.advanceSettling(600_000);
    expect(queue.stats().effectiveRatePerSecond.read).toBe(4);
  });

  it('dispatches at the lowered rate after a throttle', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 4, burst: 1, adaptive: { ...adaptive, recoveryPerSecond: 0.001 } });
    await throttledCall(queue, clock, throttled(0));
    const starts = recordStarts(queue, clock, ['read', 'read', 'read']);
    await clock.advanceSettling(2000);
    expect(starts).toEqual([500, 1000, 1500]);
  });

  it('lowers the rate once for calls in flight together, again for a call sent at the lowered rate, not below the floor', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 8, burst: 8, adaptive });
    const gate = deferred();
    const together = [1, 2, 3].map(() =>
      queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => {
        await gate.promise;
        throw throttled(0);
      }),
    );
    await clock.advanceSettling(100);
    gate.resolve();
    await Promise.allSettled(together);
    expect(queue.stats().effectiveRatePerSecond.read).toBe(4);
    for (const expected of [2, 1, 1]) {
      await clock.advanceSettling(1); // the next call is sent after the last decrease
      await throttledCall(queue, clock, throttled(0));
      expect(queue.stats().effectiveRatePerSecond.read).toBeCloseTo(expected, 2);
    }
  });

  it('lowers only the budget of the throttled kind', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 8, writes: { ratePerSecond: 2 }, adaptive: true });
    await throttledCall(queue, clock, throttled(0), 'write');
    expect(queue.stats().effectiveRatePerSecond).toEqual({ read: 8, write: 1 });
  });

  it('sends a throttled call again after the pause when asked to, up to throttleRetries times', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { throttleRetries: 2 });
    const starts: number[] = [];
    const result = queue.run({ action: 'CreatePort', kind: 'write' }, async () => {
      starts.push(clock.now());
      if (starts.length <= 2) throw throttled(1000);
      return 'created';
    });
    await clock.advanceSettling(2_500);
    await expect(result).resolves.toBe('created');
    expect(starts).toEqual([0, 1000, 2000]);
    expect(queue.stats().actions.CreatePort?.throttles).toBe(2);

    const exhausted = queue.run({ action: 'CreatePort', kind: 'write' }, async () => {
      throw throttled(1000);
    });
    const outcome = exhausted.then(() => 'resolved', (error: unknown) => error);
    await clock.advanceSettling(5_000);
    expect(await outcome).toMatchObject({ kind: 'throttled' });
  });
});

