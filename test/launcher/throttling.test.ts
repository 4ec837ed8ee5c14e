import type { ApiQueueStats, NodeRequestRecord } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';

/** Requests per second every provider is configured with (`rate`). */
const CONFIGURED_RATE = 1000;

/** A cloud that throttles: the provider's queue slows down and waits; launches do not fail for it. */
describe.each(CLOUDS)('launcher on $name: throttling', ({ create }) => {
  const harness = useCloudHarness(create);

  it('fulfils requests while the cloud throttles its writes: the queue backs off and no launch attempt is lost', async () => {
    const h = harness();
    // One attempt per node: a throttled call must cost a wait, never a launch.
    const launcher = await h.startLauncher({ launchRetries: 1 });
    // One write per second, no burst: even AWS's three RunInstances, spread by a busy machine, are throttled.
    h.cloud.setRateLimits({ write: { perSecond: 1, burst: 1 } });
    let requests: NodeRequestRecord[];
    let throttled: number;
    let queue: ApiQueueStats;
    try {
      const ids = await Promise.all([1, 2, 3].map(() => h.zk.request(['small'])));
      requests = await Promise.all(ids.map((id) => h.zk.waitForRequest(id, ['fulfilled', 'failed'], 40_000)));
      throttled = h.cloud.throttledCalls();
      queue = launcher.runtimes().get(h.cloud.providerName)!.queue.stats();
    } finally {
      // Launches still running when a check fails must end for the launcher to stop.
      h.cloud.setRateLimits({});
    }

    expect(requests.map((request) => [request.state, request.declined_by])).toEqual(requests.map(() => ['fulfilled', []]));
    expect(h.launches.map((launch) => launch.result)).toEqual(['ready', 'ready', 'ready']);
    expect(throttled).toBeGreaterThan(0);
    // Every throttled call reached the queue as such, and the queue slowed down.
    expect(Object.values(queue.actions).reduce((sum, action) => sum + action.throttles, 0)).toBe(throttled);
    expect(queue.effectiveRatePerSecond.write).toBeLessThan(CONFIGURED_RATE);

    await h.release(requests);
    expect(await h.cloud.resources()).toEqual([]);
  }, 60_000);
});
