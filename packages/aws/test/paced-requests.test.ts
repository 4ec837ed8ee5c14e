import { EC2Client } from '@aws-sdk/client-ec2';
import { ApiQueue, ManualClock } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Ec2Simulator } from '@cloudpool/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkEc2Port } from '../src/sdk/sdk-port.js';

/** Each HTTP request the SDK sends takes a token of the provider's queue and is counted there (sdk/paced-requests.ts). */
describe('pacing at the AWS SDK middleware', () => {
  const stops: Array<() => unknown> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function start(options: { maxAttempts?: number; queue: ApiQueue }) {
    const sim = await new Ec2Simulator({ clock: new ManualClock() }).start();
    const { endpoint, region, accessKeyId, secretAccessKey } = sim.connectionInfo();
    const client = new EC2Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: options.maxAttempts ?? 1 });
    stops.push(() => sim.stop(), () => client.destroy(), () => options.queue.stop());
    return { sim, port: sdkEc2Port(client, options.queue) };
  }

  it('takes one token per page of a paginated listing: the second page waits for the next token', async () => {
    const clock = new ManualClock();
    const queue = new ApiQueue({ name: 'paced', ratePerSecond: 1, burst: 1, concurrency: 4, clock });
    const { sim, port } = await start({ queue });
    sim.setKnobs({ maxPageSize: 5 });
    sim.seedInstances(12);

    const listing = port.describeInstances([]);
    await waitFor(() => sim.counters.count('DescribeInstances') === 1 || undefined);
    // The SDK's paginator asked for page two; it waits in the queue until a token is due.
    await waitFor(() => queue.stats().waiting === 1 || undefined);
    expect(sim.counters.count('DescribeInstances')).toBe(1);

    clock.advance(1_000);
    await waitFor(() => sim.counters.count('DescribeInstances') === 2 || undefined);
    clock.advance(1_000);
    expect(await listing).toHaveLength(12);
    expect(sim.counters.count('DescribeInstances')).toBe(3);
    expect(queue.stats().actions.DescribeInstances).toMatchObject({ calls: 3, throttles: 0 });
  });

  it("paces and counts the SDK's own retries (each attempt below the retry middleware)", async () => {
    const queue = new ApiQueue({ name: 'paced', ratePerSecond: 10_000, concurrency: 4 });
    const { sim, port } = await start({ maxAttempts: 3, queue });
    sim.setKnobs({ faults: { serverErrorRatio: 1 } });

    await expect(port.describeInstances([])).rejects.toMatchObject({ kind: 'transient', code: 'Unavailable' });
    expect(sim.counters.count('DescribeInstances')).toBe(3);
    expect(queue.stats().actions.DescribeInstances).toEqual({ calls: 3, failures: { transient: 3 }, throttles: 0 });
  });

  it('sends a throttled request again from the queue, and the SDK sees only the answer that ended it', async () => {
    const queue = new ApiQueue({ name: 'paced', ratePerSecond: 10_000, concurrency: 4, throttleRetries: 2, throttlePauseMs: 0 });
    const { sim, port } = await start({ queue });
    sim.setKnobs({ rateLimits: { DescribeAddresses: { perSecond: 0.001, burst: 1 } } });
    expect(await port.describeAddresses([])).toEqual([]);

    await expect(port.describeAddresses([])).rejects.toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded' });
    expect(sim.counters.count('DescribeAddresses', 'throttled')).toBe(3);
    expect(queue.stats().actions.DescribeAddresses).toEqual({ calls: 4, failures: { throttled: 3 }, throttles: 3 });
  });
});
