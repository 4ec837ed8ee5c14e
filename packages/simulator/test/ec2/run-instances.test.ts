import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEBIAN_12, rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, UBUNTU_NOBLE_ARM64, type Ec2TestBed } from './ec2-test-kit.js';

const tagged = (resourceType: 'instance' | 'volume' | 'network-interface', tags: Record<string, string>) => ({
  ResourceType: resourceType,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

function launch(overrides: Partial<RunInstancesCommandInput> = {}): RunInstancesCommand {
  return new RunInstancesCommand({ ImageId: UBUNTU_JAMMY_AMD64, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...overrides });
}

describe('EC2 simulator: RunInstances', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it('applies each tag specification to the instance, its volumes and its network interface', async () => {
    const reservation = await bed.ec2.send(
      launch({
        KeyName: 'ci-key',
        SubnetId: 'subnet-0123456789abcdef0',
        SecurityGroupIds: ['sg-0123456789abcdef0'],
        UserData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
        TagSpecifications: [
          tagged('instance', { 'cloudpool-provider': 'aws-east', 'cloudpool-node': '0000000042' }),
          tagged('volume', { 'cloudpool-provider': 'aws-east', kind: 'disk' }),
          tagged('network-interface', { 'cloudpool-provider': 'aws-east', kind: 'nic' }),
        ],
        BlockDeviceMappings: [
          { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 40, VolumeType: 'gp3', DeleteOnTermination: true } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 100, VolumeType: 'gp2', DeleteOnTermination: false } },
        ],
      }),
    );
    expect(reservation.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(reservation.OwnerId).toBe('123456789012');
    const [instance] = reservation.Instances ?? [];
    expect(instance?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance).toMatchObject({
      ImageId: UBUNTU_JAMMY_AMD64,
      InstanceType: 't3.micro',
      KeyName: 'ci-key',
      SubnetId: 'subnet-0123456789abcdef0',
      State: { Code: 16, Name: 'running' },
      RootDeviceName: '/dev/sda1',
      RootDeviceType: 'ebs',
      Placement: { AvailabilityZone: 'us-east-1a' },
      SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0' }],
      CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
    });
    expect(instance?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'cloudpool-provider', Value: 'aws-east' },
        { Key: 'cloudpool-node', Value: '0000000042' },
      ]),
    );
    expect(instance?.BlockDeviceMappings?.map((mapping) => [mapping.DeviceName, mapping.Ebs?.DeleteOnTermination])).toEqual([
      ['/dev/sda1', true],
      ['/dev/sdf', false],
    ]);

    const volumes = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:kind', Values: ['disk'] }] }));
    expect(volumes.Volumes?.map((volume) => [volume.Size, volume.VolumeType, volume.State, volume.Attachments?.[0]?.InstanceId])).toEqual([
      [40, 'gp3', 'in-use', instance?.InstanceId],
      [100, 'gp2', 'in-use', instance?.InstanceId],
    ]);
    expect(volumes.Volumes?.[0]?.Tags).toContainEqual({ Key: 'cloudpool-provider', Value: 'aws-east' });

    const interfaces = await bed.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:kind', Values: ['nic'] }] }));
    expect(interfaces.NetworkInterfaces).toHaveLength(1);
    const [networkInterface] = interfaces.NetworkInterfaces ?? [];
    expect(networkInterface).toMatchObject({
      NetworkInterfaceId: instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId,
      Status: 'in-use',
      PrivateIpAddress: instance?.PrivateIpAddress,
      Attachment: { InstanceId: instance?.InstanceId, DeviceIndex: 0, DeleteOnTermination: true },
    });
  });

  it('takes the root volume from the image when no mapping changes it', async () => {
    const reservation = await bed.ec2.send(launch({ ImageId: DEBIAN_12 }));
    const instance = reservation.Instances?.[0];
    expect(instance?.RootDeviceName).toBe('/dev/xvda');
    const volumes = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instance?.InstanceId ?? ''] }] }));
    expect(volumes.Volumes?.map((volume) => [volume.Size, volume.VolumeType, volume.Attachments?.[0]?.Device])).toEqual([[8, 'gp2', '/dev/xvda']]);
    expect(volumes.Volumes?.[0]?.SnapshotId).toMatch(/^snap-/);
  });

  it('launches MaxCount instances in one reservation, numbered by launch index', async () => {
    const reservation = await bed.ec2.send(launch({ MinCount: 2, MaxCount: 3 }));
    expect(reservation.Instances?.map((instance) => instance.AmiLaunchIndex)).toEqual([0, 1, 2]);
    expect(new Set(reservation.Instances?.map((instance) => instance.PrivateIpAddress)).size).toBe(3);
  });

  it('records spot market options', async () => {
    const reservation = await bed.ec2.send(
      launch({ InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } }),
    );
    expect(reservation.Instances?.[0]?.InstanceLifecycle).toBe('spot');
    expect(reservation.Instances?.[0]?.SpotInstanceRequestId).toMatch(/^sir-[0-9a-f]{8}$/);
  });

  describe('client token idempotency', () => {
    it('answers a repeated request with the same reservation and makes nothing', async () => {
      const first = await bed.ec2.send(launch({ ClientToken: 'node-0000000001', MinCount: 2, MaxCount: 2 }));
      const again = await bed.ec2.send(launch({ ClientToken: 'node-0000000001', MinCount: 2, MaxCount: 2 }));
      expect(again.ReservationId).toBe(first.ReservationId);
      expect(again.Instances?.map((instance) => instance.InstanceId)).toEqual(first.Instances?.map((instance) => instance.InstanceId));
      expect(again.Instances?.[0]?.ClientToken).toBe('node-0000000001');
      expect(bed.sim.resources().instances.running).toBe(2);
    });

    it('refuses the same token with other parameters', async () => {
      await bed.ec2.send(launch({ ClientToken: 'node-0000000002' }));
      const error = await rejectionOf(bed.ec2.send(launch({ ClientToken: 'node-0000000002', InstanceType: 't3.small' })));
      expect(error.name).toBe('IdempotentParameterMismatch');
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(bed.sim.resources().instances.running).toBe(1);
    });

    it('lets a retry after a lost response find the instance the lost call made', async () => {
      bed.setFaults({ lostResponseRatio: 1 });
      await expect(bed.ec2.send(launch({ ClientToken: 'node-0000000003' }))).rejects.toThrow();
      expect(bed.sim.resources().instances.running).toBe(1);
      bed.setFaults({ lostResponseRatio: 0 });

      const retried = await bed.ec2.send(launch({ ClientToken: 'node-0000000003' }));
      const all = await bed.ec2.send(new DescribeInstancesCommand({}));
      const ids = all.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId);
      expect(ids).toEqual([retried.Instances?.[0]?.InstanceId]);
      expect(bed.sim.counters.count('RunInstances', 'lost-response')).toBe(1);
    });
  });

  describe('refusals', () => {
    it('answers VcpuLimitExceeded when the vCPU quota does not fit MinCount', async () => {
      bed.sim.setKnobs({ quotas: { cores: 5 } });
      await bed.ec2.send(launch({ MinCount: 2, MaxCount: 2 }));
      const error = await rejectionOf(bed.ec2.send(launch({ MinCount: 1, MaxCount: 1 })));
      expect(error.name).toBe('VcpuLimitExceeded');
      expect(error.message).toContain('vCPU limit of 5');
    });

    it('answers InstanceLimitExceeded when the instance quota does not fit MinCount, and launches what fits up to MaxCount', async () => {
      bed.sim.setKnobs({ quotas: { instances: 3 } });
      const reservation = await bed.ec2.send(launch({ MinCount: 1, MaxCount: 5 }));
      expect(reservation.Instances).toHaveLength(3);
      const error = await rejectionOf(bed.ec2.send(launch()));
      expect(error.name).toBe('InstanceLimitExceeded');
    });

    it('answers MaxSpotInstanceCountExceeded for spot launches over the vCPU quota', async () => {
      bed.sim.setKnobs({ quotas: { cores: 1 } });
      const error = await rejectionOf(bed.ec2.send(launch({ InstanceMarketOptions: { MarketType: 'spot' } })));
      expect(error.name).toBe('MaxSpotInstanceCountExceeded');
    });

    it('answers InsufficientInstanceCapacity (HTTP 500) when the capacity fault fires', async () => {
      bed.setFaults({ capacityErrorRatio: 1 });
      const error = await rejectionOf(bed.ec2.send(launch()));
      expect(error.name).toBe('InsufficientInstanceCapacity');
      expect(error.$metadata?.httpStatusCode).toBe(500);
      expect(bed.sim.resources().instances.running).toBe(0);
    });

    it.each([
      [{ InstanceType: 'x9.huge' as RunInstancesCommandInput['InstanceType'] }, 'InvalidParameterValue'],
      [{ ImageId: 'ami-0123456789abcdef0' }, 'InvalidAMIID.NotFound'],
      [{ ImageId: 'ubuntu' }, 'InvalidAMIID.Malformed'],
      [{ ImageId: UBUNTU_NOBLE_ARM64 }, 'InvalidParameterValue'],
      [{ MinCount: 3, MaxCount: 2 }, 'InvalidParameterValue'],
      [{ TagSpecifications: [{ ResourceType: 'vpc' as const, Tags: [{ Key: 'a', Value: 'b' }] }] }, 'InvalidParameterValue'],
      [{ TagSpecifications: [tagged('instance', { 'aws:owner': 'me' })] }, 'InvalidParameterValue'],
      [{ BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 4 } }] }, 'InvalidBlockDeviceMapping'],
      [{ DryRun: true }, 'DryRunOperation'],
    ] satisfies Array<[Partial<RunInstancesCommandInput>, string]>)('refuses %j with %s', async (overrides, code) => {
      const error = await rejectionOf(bed.ec2.send(launch(overrides)));
      expect(error.name).toBe(code);
      expect(bed.sim.resources().instances.running).toBe(0);
    });
  });
});
