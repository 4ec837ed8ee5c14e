import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHooks, startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { PROVIDER_NAME, SYSTEM_ID } from '../src/testing/provider-fixture.js';

const ours = (nodeId: string) => ({ [TAG.providerName]: PROVIDER_NAME, [TAG.systemId]: SYSTEM_ID, [TAG.nodeId]: nodeId });

describe('AwsAdapter.listNodes', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());

  it('reads every page of the provider-filtered DescribeInstances, 1,000 per page', async () => {
    // Adopting Nodepool's resources: the 10 without an installation id are ours, the 7 of another installation are not.
    bed = await startAwsTestBed({ adoptNodepoolResources: true });
    bed.sim.seedInstances(1_000, ours('0000000001'));
    bed.sim.seedInstances(300, { [TAG.providerName]: 'someone-else', [TAG.nodeId]: '0000000002' });
    bed.sim.seedInstances(490, ours('0000000003'));
    bed.sim.seedInstances(10, { [TAG.providerName]: PROVIDER_NAME, [TAG.nodeId]: '0000000004' });
    bed.sim.seedInstances(7, { ...ours('0000000005'), [TAG.systemId]: 'another-installation' });

    const nodes = await bed.adapter.listNodes();
    expect(nodes).toHaveLength(1_500);
    expect(new Set(nodes.map((node) => node.externalId)).size).toBe(1_500);
    expect(nodes.filter((node) => node.tags[TAG.systemId] === undefined)).toHaveLength(10);
    expect(bed.sim.counters.count('DescribeInstances')).toBe(Math.ceil(1_507 / 1_000));
    expect(bed.sim.counters.count('DescribeInstanceTypes')).toBe(1);
  });

  it('shares one listing between concurrent readers until it expires or the adapter changes something', async () => {
    bed = await startAwsTestBed();
    bed.sim.seedInstances(3, ours('0000000001'));
    const results = await Promise.all(Array.from({ length: 20 }, () => bed.adapter.listNodes()));
    expect(results.every((nodes) => nodes.length === 3)).toBe(true);
    await bed.adapter.listNodes();
    expect(bed.sim.counters.count('DescribeInstances')).toBe(1);

    await bed.adapter.createResource(bed.request(), recordingHooks());
    expect(await bed.adapter.listNodes()).toHaveLength(4);
    expect(bed.sim.counters.count('DescribeInstances')).toBe(2);
    bed.settle();
    await bed.adapter.listNodes();
    expect(bed.sim.counters.count('DescribeInstances')).toBe(3);
  });

  it('follows NextToken over pages smaller than asked, and fails the whole listing when a later page fails', async () => {
    bed = await startAwsTestBed();
    bed.sim.setKnobs({ maxPageSize: 5 });
    bed.sim.seedInstances(12, ours('0000000001'));
    expect(await bed.adapter.listNodes()).toHaveLength(12);
    expect(bed.sim.counters.count('DescribeInstances')).toBe(3);

    bed.settle();
    bed.sim.setKnobs({ rateLimits: { DescribeInstances: { perSecond: 0.001, burst: 2 } } });
    await expect(bed.adapter.listNodes()).rejects.toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded' });
    expect(bed.sim.counters.count('DescribeInstances', 'ok')).toBe(5);
    expect(bed.sim.counters.count('DescribeInstances', 'throttled')).toBe(1);
  });

  it('maps states, addresses, zone, launch time and quota', async () => {
    bed = await startAwsTestBed();
    const launchedAt = bed.clock.now();
    const request = bed.request();
    const instanceId = await bed.adapter.createResource(request, recordingHooks());
    const find = async () => (await bed.adapter.listNodes()).find((node) => node.externalId === instanceId);

    expect(await find()).toMatchObject({ state: 'building', nodeId: request.nodeId });
    bed.settle();
    const ready = await find();
    expect(ready).toMatchObject({ state: 'ready', az: 'us-east-1a', region: 'us-east-1', createdAt: launchedAt });
    expect(ready?.privateIpv4).toMatch(/^10\./);
    // The pool's `public-ipv4` (default true) asks for a public address on the primary interface.
    expect(ready?.publicIpv4).toMatch(/^54\./);
    expect(ready?.interfaceIp).toBe(ready?.publicIpv4);
    expect(ready?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 4096, 'L-1216C47A': 2 });

    await bed.adapter.cleanupNode(instanceId);
    expect(await find()).toMatchObject({ state: 'deleting' });
    bed.settle();
    expect(await find()).toMatchObject({ state: 'deleted' });
  });
});
