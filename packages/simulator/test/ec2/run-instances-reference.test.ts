import { DescribeInstancesCommand, DescribeVolumesCommand, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_IMAGES } from '../../src/ec2/index.js';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

// RunInstances refuses what the EC2 API reference calls invalid, even where real EC2 is lenient.
describe('EC2 simulator: RunInstances as the API reference specifies it', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const launch = (overrides: Partial<RunInstancesCommandInput> = {}) =>
    bed.ec2.send(new RunInstancesCommand({ ImageId: UBUNTU_JAMMY_AMD64, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...overrides }));
  const rootVolumeOf = async (instanceId: string) => {
    const { Volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    return Volumes[0];
  };

  it('refuses an EBS mapping that names neither a snapshot nor a size, also for the image root device', async () => {
    const refused = await rejectionOf(launch({ BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { DeleteOnTermination: true } }] }));
    expect(refused).toMatchObject({ name: 'MissingParameter', message: 'The request must contain the parameter size or snapshotId' });
    expect(refused.$metadata?.httpStatusCode).toBe(400);
  });

  it("takes the image's snapshot when a mapping names it, with its size by default", async () => {
    const image = PUBLIC_IMAGES.find((candidate) => candidate.id === UBUNTU_JAMMY_AMD64)!;
    const snapshotId = image.rootDevice.snapshotId;
    const { Instances = [] } = await launch({
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snapshotId, VolumeType: 'gp3', DeleteOnTermination: true } }],
    });
    expect(await rootVolumeOf(Instances[0]!.InstanceId!)).toMatchObject({ SnapshotId: snapshotId, Size: 8, VolumeType: 'gp3' });
    const smaller = await rejectionOf(launch({ BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snapshotId, VolumeSize: 4 } }] }));
    expect(smaller.name).toBe('InvalidBlockDeviceMapping');
  });

  it('takes subnet and security groups from NetworkInterface.N, and refuses them at both levels', async () => {
    const { Instances = [] } = await launch({
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-0123456789abcdef0', Groups: ['sg-0123456789abcdef0'], AssociatePublicIpAddress: false }],
    });
    expect(Instances[0]).toMatchObject({ SubnetId: 'subnet-0123456789abcdef0', SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0' }] });
    expect(Instances[0]?.PublicIpAddress).toBeUndefined();

    const both = await rejectionOf(launch({ SubnetId: 'subnet-0123456789abcdef0', NetworkInterfaces: [{ DeviceIndex: 0 }] }));
    expect(both.name).toBe('InvalidParameterCombination');
    const groups = await rejectionOf(launch({ SecurityGroupIds: ['sg-0123456789abcdef0'], NetworkInterfaces: [{ DeviceIndex: 0 }] }));
    expect(groups.name).toBe('InvalidParameterCombination');
    const noIndex = await rejectionOf(launch({ NetworkInterfaces: [{ SubnetId: 'subnet-0123456789abcdef0' }] }));
    expect(noIndex.name).toBe('MissingParameter');
  });

  it('gives the instance a public address as AssociatePublicIpAddress says, only on the primary interface', async () => {
    const { Instances = [] } = await launch({ NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, SubnetId: 'subnet-0123456789abcdef0' }] });
    const { Reservations = [] } = await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [Instances[0]!.InstanceId!] }));
    expect(Reservations[0]?.Instances?.[0]?.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const secondary = await rejectionOf(
      launch({ NetworkInterfaces: [{ DeviceIndex: 0 }, { DeviceIndex: 1, AssociatePublicIpAddress: true }] }),
    );
    expect(secondary.name).toBe('InvalidParameterCombination');
  });
});
