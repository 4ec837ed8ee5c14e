import { describe, expect, it } from 'vitest';
import { ApiQueue, type ApiCallKind, type ApiQueueOptions } from '../../src/ratelimit/index.js';
import { ManualClock, deferred, settle, type Deferred } from './manual-clock.js';

function queueWith(clock: ManualClock, options: Partial<ApiQueueOptions>): ApiQueue {
  return new ApiQueue({ name: 'test', ratePerSecond: 1000, burst: 1000, concurrency: 100, clock, ...options });
}

/** Submits a call that records the time it started under `label`. */
function submit(queue: ApiQueue, clock: ManualClock, starts: Array<[string, number]>, label: string, kind: ApiCallKind = 'read', priority?: number) {
  return queue.run({ action: label, kind, priority }, async () => {
    starts.push([label, clock.now()]);
  });
}

describe('ApiQueue dispatch', () => {
  it('lets the burst through at once, then one call per 1/rate seconds', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 4, burst: 3 });
    const starts: Array<[string, number]> = [];
    for (let i = 0; i < 7; i++) void submit(queue, clock, starts, `call${i}`);

    await settle();
    expect(starts).toHaveLength(3);
    await clock.advanceSettling(249);
    expect(starts).toHaveLength(3);
    await clock.advanceSettling(1);
    expect(starts).toHaveLength(4);
    await clock.advanceSettling(2000);
    expect(starts.map(([, at]) => at)).toEqual([0, 0, 0, 250, 500, 750, 1000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refills no more than the burst during a quiet period', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 4, burst: 3 });
    const starts: Array<[string, number]> = [];
    await submit(queue, clock, starts, 'first');
    await clock.advanceSettling(10_000);
    for (let i = 0; i < 5; i++) void submit(queue, clock, starts, `later${i}`);
    await clock.advanceSettling(1000);
    expect(starts.map(([, at]) => at)).toEqual([0, 10_000, 10_000, 10_000, 10_250, 10_500]);
  });

  it('never has more than `concurrency` calls in flight', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { concurrency: 3 });
    const running: Array<Deferred<void>> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let finished = 0;
    for (let i = 0; i < 10; i++) {
      void queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const gate = deferred();
        running.push(gate);
        await gate.promise;
        inFlight -= 1;
        finished += 1;
      });
    }
    await settle();
    expect(queue.stats()).toMatchObject({ inFlight: 3, waiting: 7 });
    while (running.length > 0) {
      running.shift()!.resolve();
      await settle();
    }
    expect(finished).toBe(10);
    expect(maxInFlight).toBe(3);
  });

  it('gives writes their own budget, so a burst of writes does not hold up reads', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 2, burst: 2, writes: { ratePerSecond: 1, burst: 1 } });
    const starts: Array<[string, number]> = [];
    for (let i = 0; i < 5; i++) void submit(queue, clock, starts, 'write', 'write');
    for (let i = 0; i < 2; i++) void submit(queue, clock, starts, 'read', 'read');
    await clock.advanceSettling(5000);
    expect(starts.filter(([label]) => label === 'read').map(([, at]) => at)).toEqual([0, 0]);
    expect(starts.filter(([label]) => label === 'write').map(([, at]) => at)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('makes reads and writes share one budget when writes have none of their own', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 2, burst: 2 });
    const starts: Array<[string, number]> = [];
    for (let i = 0; i < 5; i++) void submit(queue, clock, starts, 'write', 'write');
    for (let i = 0; i < 2; i++) void submit(queue, clock, starts, 'read', 'read');
    await clock.advanceSettling(5000);
    expect(starts.filter(([label]) => label === 'read').map(([, at]) => at)).toEqual([2000, 2500]);
    expect(queue.stats().effectiveRatePerSecond).toEqual({ read: 2, write: 2 });
  });

  it('dispatches higher priority first and equal priorities in arrival order, when waiting for a slot', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { concurrency: 1 });
    const blocker = deferred();
    void queue.run({ action: 'blocker', kind: 'read' }, () => blocker.promise);
    const starts: Array<[string, number]> = [];
    const priorities: Array<[string, number]> = [['a', 0], ['b', 5], ['c', 0], ['d', 5], ['e', 1]];
    for (const [label, priority] of priorities) void submit(queue, clock, starts, label, 'read', priority);
    await settle();
    expect(starts).toEqual([]);
    blocker.resolve();
    await settle();
    expect(starts.map(([label]) => label)).toEqual(['b', 'd', 'e', 'a', 'c']);
  });

  it('dispatches by priority when waiting for tokens too', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 1, burst: 1 });
    const starts: Array<[string, number]> = [];
    void submit(queue, clock, starts, 'first');
    for (const [label, priority] of [['low', -1], ['normal', 0], ['high', 9]] as const) {
      void submit(queue, clock, starts, label, 'read', priority);
    }
    await clock.advanceSettling(3000);
    expect(starts).toEqual([['first', 0], ['high', 1000], ['normal', 2000], ['low', 3000]]);
  });

  it('rejects options it cannot honour', () => {
    const clock = new ManualClock(0);
    expect(() => queueWith(clock, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => queueWith(clock, { ratePerSecond: -1 })).toThrow(/ratePerSecond/);
    expect(() => queueWith(clock, { writes: { ratePerSecond: 0 } })).toThrow(/writes.ratePerSecond/);
    expect(() => queueWith(clock, { burst: 0 })).toThrow(/burst/);
  });
});
