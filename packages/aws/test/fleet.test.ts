import { DescribeInstancesCommand, DescribeVolumesCommand, type Instance } from '@aws-sdk/client-ec2';
import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHooks, startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { providerView } from '../src/testing/provider-fixture.js';

const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined) => Object.fromEntries((tags ?? []).map((tag) => [tag.Key, tag.Value]));

// Nodepool's `fleet` labels: EC2 Fleet (CreateFleet, type instant) from several instance types.
describe('AwsAdapter with fleet labels', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());
  const start = async () =>
    (bed = await startAwsTestBed({
      config: providerView([
        { name: 'fleet', instanceType: undefined, fleet: { instanceTypes: ['q9.none', 'm5.large', 't3.medium'], allocationStrategy: 'prioritized' } },
        { name: 'spot-fleet', instanceType: undefined, useSpot: true, fleet: { instanceTypes: ['t3.medium'], allocationStrategy: 'price-capacity-optimized' } },
        { name: 'nothing', instanceType: undefined, fleet: { instanceTypes: ['q9.none'], allocationStrategy: 'lowest-price' } },
      ]),
    }));
  const instance = async (instanceId: string): Promise<Instance> =>
    (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;

  it('launches one tagged instance of the first type EC2 can launch, with one launch template for the label', async () => {
    await start();
    const request = bed.request('fleet');
    const hooks = recordingHooks();
    const instanceId = await bed.adapter.createResource(request, hooks);
    expect(hooks.reported).toEqual([instanceId]);
    const launched = await instance(instanceId);
    expect(launched).toMatchObject({ InstanceType: 'm5.large', KeyName: 'zuul' });
    expect(tagsOf(launched.Tags)).toEqual({ ...request.tags, Name: request.hostname });
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    expect(volumes.map((volume) => [volume.Size, volume.VolumeType, tagsOf(volume.Tags)[TAG.nodeId]])).toEqual([[20, 'gp3', request.nodeId]]);

    await bed.adapter.createResource(bed.request('fleet'), recordingHooks());
    expect(bed.sim.counters.count('CreateFleet')).toBe(2);
    expect(bed.sim.counters.count('CreateLaunchTemplate')).toBe(1);
    expect(bed.sim.counters.count('RunInstances')).toBe(0);

    // Counted as one instance before the launch, by the type it got after.
    expect((await bed.adapter.getQuotaForLabel(bed.label('fleet'))).toJSON()).toEqual({ instances: 1, 'L-7A658B76': 20 });
    bed.settle();
    const listed = (await bed.adapter.listNodes()).find((node) => node.externalId === instanceId);
    expect(listed).toMatchObject({ state: 'ready', nodeId: request.nodeId });
    expect(listed?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 8192, 'L-1216C47A': 2 });
  });

  it('launches spot fleets as spot instances', async () => {
    await start();
    const instanceId = await bed.adapter.createResource(bed.request('spot-fleet'), recordingHooks());
    expect((await instance(instanceId)).InstanceLifecycle).toBe('spot');
  });

  it("fails with EC2's error for the fleet when no type could be launched", async () => {
    await start();
    await expect(bed.adapter.createResource(bed.request('nothing'), recordingHooks())).rejects.toMatchObject({
      action: 'CreateFleet',
      code: 'InvalidParameterValue',
      kind: 'permanent',
    });
  });
});
