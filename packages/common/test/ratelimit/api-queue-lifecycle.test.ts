import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudError } from '../../src/errors/cloud-error.js';
import { ApiQueue, ApiQueueStoppedError, type ApiCallEvent, type ApiQueueOptions } from '../../src/ratelimit/index.js';
import { ManualClock, deferred, settle } from './manual-clock.js';

function queueWith(clock: ManualClock, options: Partial<ApiQueueOptions> = {}): ApiQueue {
  return new ApiQueue({ name: 'aws-us-east-1', ratePerSecond: 4, burst: 1, concurrency: 1, clock, ...options });
}

/** Settles `promise` into a tuple so a test can inspect an outcome that has not happened yet. */
function track<T>(promise: Promise<T>): { outcome: ['resolved', T] | ['rejected', unknown] | undefined } {
  const tracked: { outcome: ['resolved', T] | ['rejected', unknown] | undefined } = { outcome: undefined };
  promise.then(
    (value) => (tracked.outcome = ['resolved', value]),
    (error: unknown) => (tracked.outcome = ['rejected', error]),
  );
  return tracked;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ApiQueue lifecycle', () => {
  it('holds dispatch while paused, though tokens and slots are free', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock);
    queue.pause();
    const call = track(queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => clock.now()));
    await clock.advanceSettling(10_000);
    expect(call.outcome).toBeUndefined();
    expect(queue.stats()).toMatchObject({ paused: true, waiting: 1 });
    queue.resume();
    await settle();
    expect(call.outcome).toEqual(['resolved', 10_000]);
  });

  it('resolves onIdle once no call waits or runs', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock);
    const running = deferred();
    void queue.run({ action: 'RunInstances', kind: 'write' }, () => running.promise);
    void queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => undefined);
    const idle = track(queue.onIdle());
    running.resolve();
    await settle();
    expect(idle.outcome).toBeUndefined(); // the second call waits for a token
    await clock.advanceSettling(250);
    expect(idle.outcome).toEqual(['resolved', undefined]);
  });

  it('stop() rejects waiting calls, lets the running one finish, and rejects later calls', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock);
    const running = deferred<string>();
    const inFlight = track(queue.run({ action: 'RunInstances', kind: 'write' }, () => running.promise));
    const neverSent = vi.fn(async () => 'sent');
    const waiting = [
      queue.run({ action: 'CreateTags', kind: 'write' }, neverSent),
      queue.run({ action: 'DescribeInstances', kind: 'read' }, neverSent),
    ];

    const stopped = track(queue.stop());
    for (const [index, action] of ['CreateTags', 'DescribeInstances'].entries()) {
      await expect(waiting[index]).rejects.toThrow(new ApiQueueStoppedError('aws-us-east-1', action));
    }
    await expect(waiting[0]).rejects.toThrow('API queue "aws-us-east-1" is stopped: CreateTags was not sent');
    await expect(queue.run({ action: 'TerminateInstances', kind: 'write' }, neverSent)).rejects.toBeInstanceOf(
      ApiQueueStoppedError,
    );
    await settle();
    expect(stopped.outcome).toBeUndefined();
    expect(queue.stats()).toMatchObject({ stopped: true, waiting: 0, inFlight: 1 });

    running.resolve('i-123');
    await settle();
    expect(inFlight.outcome).toEqual(['resolved', 'i-123']);
    expect(stopped.outcome).toEqual(['resolved', undefined]);
    expect(neverSent).not.toHaveBeenCalled();
    expect(clock.pendingTimers).toBe(0);
  });

  it('withdraws a waiting call whose signal aborts, and hands the signal to a running call', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { concurrency: 2 });
    const controller = new AbortController();
    let signalSeen: AbortSignal | undefined;
    await queue.run({ action: 'first', kind: 'read', signal: controller.signal }, async (signal) => {
      signalSeen = signal;
    });
    expect(signalSeen).toBe(controller.signal);

    const neverSent = vi.fn(async () => undefined);
    const waiting = queue.run({ action: 'second', kind: 'read', signal: controller.signal }, neverSent);
    controller.abort(new Error('node request cancelled'));
    await expect(waiting).rejects.toThrow('node request cancelled');
    expect(queue.stats().waiting).toBe(0);
    await clock.advanceSettling(1000);
    expect(neverSent).not.toHaveBeenCalled();
    expect(clock.pendingTimers).toBe(0);
    await expect(queue.onIdle()).resolves.toBeUndefined();
  });
});

describe('ApiQueue stats and call events', () => {
  it('counts calls, failures by kind and throttles per action', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 100, burst: 100, concurrency: 10 });
    const fail = (error: unknown) => async () => {
      throw error;
    };
    const calls = [
      queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => 'ok'),
      queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => 'ok'),
      queue.run({ action: 'RunInstances', kind: 'write' }, fail(new CloudError('quota', 'VcpuLimitExceeded'))),
      queue.run({ action: 'RunInstances', kind: 'write' }, fail(new CloudError('quota', 'VcpuLimitExceeded'))),
      queue.run({ action: 'RunInstances', kind: 'write' }, fail(new CloudError('throttled', 'slow down', { retryAfterMs: 0 }))),
      queue.run({ action: 'RunInstances', kind: 'write' }, fail(new TypeError('driver bug'))),
    ];
    await Promise.allSettled(calls);
    expect(queue.stats().actions).toEqual({
      DescribeInstances: { calls: 2, failures: {}, throttles: 0 },
      RunInstances: { calls: 4, failures: { quota: 2, throttled: 1, unclassified: 1 }, throttles: 1 },
    });
  });

  it('reports each finished call with its wait and duration to onCall listeners until they unsubscribe', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock);
    const events: ApiCallEvent[] = [];
    const unsubscribe = queue.onCall((event) => events.push(event));
    const slowCall = async () => {
      await clock.advanceSettling(100);
    };
    await queue.run({ action: 'DescribeInstances', kind: 'read' }, slowCall); // starts at 0, ends at 100
    const second = track(
      queue.run({ action: 'DeleteVolume', kind: 'write' }, async () => {
        throw new CloudError('not-found', 'InvalidVolume.NotFound');
      }),
    );
    await clock.advanceSettling(150); // the token is due at 250
    expect(second.outcome?.[0]).toBe('rejected');
    expect(events).toEqual([
      { queue: 'aws-us-east-1', action: 'DescribeInstances', kind: 'read', outcome: 'success', waitedMs: 0, durationMs: 100 },
      { queue: 'aws-us-east-1', action: 'DeleteVolume', kind: 'write', outcome: 'not-found', waitedMs: 150, durationMs: 0 },
    ]);

    unsubscribe();
    await clock.advanceSettling(250);
    await queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => undefined);
    expect(events).toHaveLength(2);
  });

  it('keeps the outcome of a call when a listener throws', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = queueWith(new ManualClock(0));
    queue.onCall(() => {
      throw new Error('metrics down');
    });
    await expect(queue.run({ action: 'DescribeInstances', kind: 'read' }, async () => 'ok')).resolves.toBe('ok');
    expect(warn).toHaveBeenCalledWith('API queue "aws-us-east-1": onCall listener threw: Error: metrics down');
  });

  it('shows queue depth, calls in flight and the effective rates', async () => {
    const clock = new ManualClock(0);
    const queue = queueWith(clock, { ratePerSecond: 10, burst: 10, concurrency: 2, writes: { ratePerSecond: 1 } });
    const running = deferred();
    for (let i = 0; i < 5; i++) void queue.run({ action: 'DescribeInstances', kind: 'read' }, () => running.promise);
    await settle();
    expect(queue.stats()).toEqual({
      name: 'aws-us-east-1',
      actions: {},
      effectiveRatePerSecond: { read: 10, write: 1 },
      waiting: 3,
      inFlight: 2,
      paused: false,
      pausedUntil: undefined,
      stopped: false,
    });
    running.resolve();
    await settle();
    expect(queue.stats()).toMatchObject({ waiting: 0, inFlight: 0 });
  });
});
