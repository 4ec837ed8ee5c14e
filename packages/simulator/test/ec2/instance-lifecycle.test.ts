import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

const BOOT_MS = 30_000;
const DELETE_MS = 60_000;
const HOUR_MS = 3_600_000;

describe('EC2 simulator: instance lifecycle on the simulator clock', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed({ knobs: { bootTimeMs: BOOT_MS, deleteTimeMs: DELETE_MS } });
  });
  afterEach(async () => {
    await bed.stop();
  });

  async function launchOne(): Promise<Instance> {
    const reservation = await bed.ec2.send(
      new RunInstancesCommand({
        ImageId: UBUNTU_JAMMY_AMD64,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } }],
      }),
    );
    const instance = reservation.Instances?.[0];
    if (!instance?.InstanceId) throw new Error('no instance launched');
    return instance;
  }

  async function describeOne(instanceId: string): Promise<Instance | undefined> {
    const answer = await bed.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }));
    return answer.Reservations?.[0]?.Instances?.[0];
  }

  it('goes pending → running → shutting-down → terminated → gone as the clock moves', async () => {
    const launched = await launchOne();
    const id = launched.InstanceId as string;
    expect(launched.State).toEqual({ Code: 0, Name: 'pending' });
    expect(launched.StateReason?.Code).toBe('pending');

    bed.clock.advance(BOOT_MS - 1);
    expect((await describeOne(id))?.State?.Name).toBe('pending');
    bed.clock.advance(1);
    expect((await describeOne(id))?.State).toEqual({ Code: 16, Name: 'running' });

    const terminated = await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminated.TerminatingInstances).toEqual([
      { InstanceId: id, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } },
    ]);
    const shuttingDown = await describeOne(id);
    expect(shuttingDown?.State?.Name).toBe('shutting-down');
    expect(shuttingDown?.StateReason?.Code).toBe('Client.UserInitiatedShutdown');

    bed.clock.advance(DELETE_MS);
    const gone = await describeOne(id);
    expect(gone?.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(gone?.PrivateIpAddress).toBeUndefined();
    expect(gone?.BlockDeviceMappings).toEqual([]);
    expect(gone?.StateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);

    bed.clock.advance(HOUR_MS - 1);
    expect(await describeOne(id)).toBeDefined();
    bed.clock.advance(1);
    expect(await describeOne(id)).toBeUndefined();
    const error = await rejectionOf(bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    expect(error.name).toBe('InvalidInstanceID.NotFound');
  });

  it('deletes delete-on-termination volumes and the interface with the instance, and detaches the other volumes', async () => {
    const launched = await launchOne();
    const id = launched.InstanceId as string;
    bed.clock.advance(BOOT_MS);
    await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const during = await bed.ec2.send(new DescribeVolumesCommand({}));
    expect(during.Volumes?.map((volume) => volume.State)).toEqual(['in-use', 'in-use']);

    bed.clock.advance(DELETE_MS);
    const after = await bed.ec2.send(new DescribeVolumesCommand({}));
    expect(after.Volumes?.map((volume) => [volume.Size, volume.State, volume.Attachments])).toEqual([[10, 'available', []]]);
    const interfaces = await bed.ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(interfaces.NetworkInterfaces).toEqual([]);
  });

  it('terminates many instances in one call, reporting each one’s previous state', async () => {
    const reservation = await bed.ec2.send(new RunInstancesCommand({ ImageId: UBUNTU_JAMMY_AMD64, InstanceType: 't3.micro', MinCount: 60, MaxCount: 60 }));
    const ids = reservation.Instances?.map((instance) => instance.InstanceId as string) ?? [];
    bed.clock.advance(BOOT_MS);
    await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids.slice(0, 10) }));

    const answer = await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    expect(answer.TerminatingInstances?.map((change) => change.InstanceId)).toEqual(ids);
    const previous = answer.TerminatingInstances?.map((change) => change.PreviousState?.Name);
    expect(previous?.filter((name) => name === 'shutting-down')).toHaveLength(10);
    expect(previous?.filter((name) => name === 'running')).toHaveLength(50);
    expect(bed.sim.resources().instances['shutting-down']).toBe(60);
  });

  it('terminates nothing when one of the ids does not exist', async () => {
    const launched = await launchOne();
    const error = await rejectionOf(
      bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId as string, 'i-0123456789abcdef0'] })),
    );
    expect(error.name).toBe('InvalidInstanceID.NotFound');
    expect(error.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    expect((await describeOne(launched.InstanceId as string))?.State?.Name).toBe('pending');
  });

  it('frees quota once instances are terminated', async () => {
    bed.sim.setKnobs({ quotas: { cores: 2 } });
    const launched = await launchOne();
    expect((await rejectionOf(launchOne())).name).toBe('VcpuLimitExceeded');
    await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId as string] }));
    expect((await rejectionOf(launchOne())).name).toBe('VcpuLimitExceeded');
    bed.clock.advance(DELETE_MS);
    await expect(launchOne()).resolves.toBeDefined();
  });
});
