import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/errors/cloud-error.js';
import { ApiQueue, kindOfMethod, pacedRequest } from '../../src/ratelimit/index.js';
import { ManualClock } from './manual-clock.js';

/** A transport's answer, as an SDK's HTTP layer would hand it up. */
interface Answer {
  status: number;
}

const outcome = {
  ofError: (error: unknown) => new CloudError('transient', String(error), { action: 'GET' }),
  ofAnswer: (answer: Answer) => (answer.status === 429 ? new CloudError('throttled', 'slow down', { code: '429', retryAfterMs: 0 }) : undefined),
};

describe('pacedRequest (one HTTP request through the queue, where the transport sends it)', () => {
  it('sends a throttled answer again on the queue, then hands the caller the last answer itself', async () => {
    const queue = new ApiQueue({ name: 'test', ratePerSecond: 1_000, concurrency: 1, throttleRetries: 2, clock: new ManualClock() });
    const answers: Answer[] = [{ status: 429 }, { status: 429 }, { status: 429 }];
    let sends = 0;
    const last = await pacedRequest(queue, { action: 'vms.list', kind: 'read' }, async () => answers[sends++]!, outcome);
    expect(last).toBe(answers[2]);
    expect(sends).toBe(3);
    expect(queue.stats().actions['vms.list']).toEqual({ calls: 3, failures: { throttled: 3 }, throttles: 3 });
  });

  it('returns a success after a throttle, and rethrows the transport error itself while the queue counts its kind', async () => {
    const queue = new ApiQueue({ name: 'test', ratePerSecond: 1_000, concurrency: 1, throttleRetries: 1, clock: new ManualClock() });
    const answers: Answer[] = [{ status: 429 }, { status: 200 }];
    let sends = 0;
    expect(await pacedRequest(queue, { action: 'vms.get', kind: 'read' }, async () => answers[sends++]!, outcome)).toEqual({ status: 200 });

    const refused = new Error('socket hang up');
    await expect(pacedRequest(queue, { action: 'vms.delete', kind: 'write' }, () => Promise.reject(refused), outcome)).rejects.toBe(refused);
    expect(queue.stats().actions).toEqual({
      'vms.get': { calls: 2, failures: { throttled: 1 }, throttles: 1 },
      'vms.delete': { calls: 1, failures: { transient: 1 }, throttles: 0 },
    });
  });

  it('tells reads from writes by HTTP method', () => {
    expect(['GET', 'head', 'HEAD'].map(kindOfMethod)).toEqual(['read', 'read', 'read']);
    expect(['PUT', 'POST', 'DELETE', 'PATCH'].map(kindOfMethod)).toEqual(['write', 'write', 'write', 'write']);
  });
});
