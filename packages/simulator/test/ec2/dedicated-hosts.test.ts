import {
  AllocateHostsCommand,
  DescribeHostsCommand,
  ReleaseHostsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: Dedicated Hosts', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed({ knobs: { deleteTimeMs: 1_000 } });
  });
  afterEach(async () => {
    await bed.stop();
  });

  const allocate = () =>
    bed.ec2.send(
      new AllocateHostsCommand({
        AvailabilityZone: 'us-east-1b',
        InstanceType: 'm5.large',
        Quantity: 1,
        AutoPlacement: 'off',
        HostRecovery: 'off',
        HostMaintenance: 'off',
        TagSpecifications: [{ ResourceType: 'dedicated-host', Tags: [{ Key: 'nodepool_provider_name', Value: 'ec2' }] }],
      }),
    );
  const onHost = (hostId: string, instanceType = 'm5.large') =>
    new RunInstancesCommand({
      ImageId: UBUNTU_JAMMY_AMD64,
      InstanceType: instanceType as 'm5.large',
      MinCount: 1,
      MaxCount: 1,
      Placement: { Tenancy: 'host', HostId: hostId, Affinity: 'host' },
    });

  it('allocates a tagged host, places one instance on it, and releases it once the instance is gone', async () => {
    const { HostIds = [] } = await allocate();
    expect(HostIds).toHaveLength(1);
    const hostId = HostIds[0]!;
    expect(hostId).toMatch(/^h-[0-9a-f]{17}$/);

    const { Instances = [] } = await bed.ec2.send(onHost(hostId));
    expect(Instances[0]?.Placement).toMatchObject({ AvailabilityZone: 'us-east-1b', Tenancy: 'host', HostId: hostId });
    const full = await rejectionOf(bed.ec2.send(onHost(hostId)));
    expect(full.name).toBe('InsufficientHostCapacity');
    const wrongType = await rejectionOf(bed.ec2.send(onHost(hostId, 't3.micro')));
    expect(wrongType.name).toBe('InvalidParameterValue');

    const { Hosts = [] } = await bed.ec2.send(new DescribeHostsCommand({ Filter: [{ Name: 'tag:nodepool_provider_name', Values: ['ec2'] }] }));
    expect(Hosts).toHaveLength(1);
    expect(Hosts[0]).toMatchObject({
      HostId: hostId,
      State: 'available',
      AvailabilityZone: 'us-east-1b',
      HostProperties: { InstanceType: 'm5.large' },
      Instances: [{ InstanceId: Instances[0]!.InstanceId }],
      Tags: [{ Key: 'nodepool_provider_name', Value: 'ec2' }],
    });

    const occupied = await bed.ec2.send(new ReleaseHostsCommand({ HostIds: [hostId] }));
    expect(occupied.Successful ?? []).toEqual([]);
    expect(occupied.Unsuccessful).toEqual([{ ResourceId: hostId, Error: { Code: 'Client.InvalidHost.Occupied', Message: expect.any(String) } }]);

    await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [Instances[0]!.InstanceId!] }));
    bed.clock.advance(1_000);
    const released = await bed.ec2.send(new ReleaseHostsCommand({ HostIds: [hostId] }));
    expect(released.Successful).toEqual([hostId]);
    const after = await bed.ec2.send(new DescribeHostsCommand({ HostIds: [hostId] }));
    expect(after.Hosts?.[0]?.State).toBe('released');
    const again = await bed.ec2.send(new ReleaseHostsCommand({ HostIds: [hostId] }));
    expect(again.Unsuccessful?.[0]?.Error?.Code).toBe('Client.InvalidHostID.NotFound');
  });

  it('refuses what the API reference calls invalid', async () => {
    expect((await rejectionOf(bed.ec2.send(new AllocateHostsCommand({ InstanceType: 'm5.large', Quantity: 1 })))).name).toBe('MissingParameter');
    const both = new AllocateHostsCommand({ AvailabilityZone: 'us-east-1a', InstanceType: 'm5.large', InstanceFamily: 'm5' });
    expect((await rejectionOf(bed.ec2.send(both))).name).toBe('InvalidParameterCombination');
    const { HostIds = [] } = await allocate();
    const spot = new RunInstancesCommand({
      ImageId: UBUNTU_JAMMY_AMD64,
      InstanceType: 'm5.large',
      MinCount: 1,
      MaxCount: 1,
      Placement: { Tenancy: 'host', HostId: HostIds[0] },
      InstanceMarketOptions: { MarketType: 'spot' },
    });
    expect((await rejectionOf(bed.ec2.send(spot))).name).toBe('InvalidParameterCombination');
    expect((await rejectionOf(bed.ec2.send(onHost('h-0123456789abcdef0')))).name).toBe('InvalidHostID.NotFound');
  });
});
