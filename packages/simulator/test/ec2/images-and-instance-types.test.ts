import {
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeSnapshotsCommand,
  type DescribeInstanceTypesCommandInput,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: images and instance types', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  describe('DescribeImages', () => {
    it('offers public Ubuntu, Debian and Amazon Linux images with their owners and creation dates', async () => {
      const canonical = await bed.ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'] }));
      expect(canonical.Images?.length).toBe(3);
      expect(canonical.Images?.every((image) => image.Name?.startsWith('ubuntu/images/'))).toBe(true);
      const [jammy] = (await bed.ec2.send(new DescribeImagesCommand({ ImageIds: [UBUNTU_JAMMY_AMD64] }))).Images ?? [];
      expect(jammy).toMatchObject({
        ImageId: UBUNTU_JAMMY_AMD64,
        OwnerId: '099720109477',
        State: 'available',
        Public: true,
        Architecture: 'x86_64',
        CreationDate: '2024-03-01T07:31:12.000Z',
        RootDeviceName: '/dev/sda1',
        BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, VolumeType: 'gp2', DeleteOnTermination: true } }],
      });
      const amazon = await bed.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
      expect(amazon.Images?.map((image) => image.ImageOwnerAlias)).toEqual(['amazon']);
    });

    it('filters by name with wildcards and by architecture', async () => {
      const answer = await bed.ec2.send(
        new DescribeImagesCommand({
          Filters: [
            { Name: 'name', Values: ['ubuntu/images/*noble-24.04-*-server-*', 'debian-12-*'] },
            { Name: 'architecture', Values: ['x86_64'] },
          ],
        }),
      );
      expect(answer.Images?.map((image) => image.Name)).toEqual([
        'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801',
        'debian-12-amd64-20240717-1811',
      ]);
    });

    it('lists the account’s own images by owner self and tag, and deregisters them with their snapshots', async () => {
      const { images } = bed.sim.seed({ images: [{ name: 'cloudpool-ubuntu-0001', tags: { 'cloudpool-image': 'ubuntu' } }, { name: 'other' }] });
      const own = await bed.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:cloudpool-image', Values: ['ubuntu'] }] }));
      expect(own.Images?.map((image) => [image.ImageId, image.Name, image.Public])).toEqual([[images[0], 'cloudpool-ubuntu-0001', false]]);
      const snapshotId = own.Images?.[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;

      const deregistered = await bed.ec2.send(new DeregisterImageCommand({ ImageId: images[0], DeleteAssociatedSnapshots: true }));
      expect(deregistered.DeleteSnapshotResults).toEqual([{ SnapshotId: snapshotId, ReturnCode: 'success' }]);
      expect((await bed.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.map((image) => image.Name)).toEqual(['other']);
      const snapshots = await bed.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
      expect(snapshots.Snapshots?.map((snapshot) => snapshot.SnapshotId)).not.toContain(snapshotId);
    });

    it('refuses unknown ids and other accounts’ images', async () => {
      const missing = await rejectionOf(bed.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })));
      expect(missing.name).toBe('InvalidAMIID.NotFound');
      expect(missing.message).toBe("The image id '[ami-0123456789abcdef0]' does not exist");
      const foreign = await rejectionOf(bed.ec2.send(new DeregisterImageCommand({ ImageId: UBUNTU_JAMMY_AMD64 })));
      expect(foreign.name).toBe('UnauthorizedOperation');
    });
  });

  describe('DescribeInstanceTypes', () => {
    it('describes the sizes of named types', async () => {
      const answer = await bed.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm5.xlarge', 'm6g.large'] }));
      const sizes = answer.InstanceTypes?.map((type) => [type.InstanceType, type.VCpuInfo?.DefaultVCpus, type.MemoryInfo?.SizeInMiB, type.ProcessorInfo?.SupportedArchitectures]);
      expect(sizes).toEqual([
        ['t3.micro', 2, 1024, ['x86_64']],
        ['m5.xlarge', 4, 16384, ['x86_64']],
        ['m6g.large', 2, 8192, ['arm64']],
      ]);
    });

    it('filters and pages the catalog', async () => {
      const fourVcpus = await bed.ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'vcpu-info.default-vcpus', Values: ['4'] }] }));
      expect(fourVcpus.InstanceTypes?.map((type) => type.InstanceType).sort()).toEqual(['c5.xlarge', 'm5.xlarge', 'm6i.xlarge', 'r5.xlarge', 't3.xlarge']);
      const names: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await bed.ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5, NextToken }));
        expect(page.InstanceTypes?.length).toBeLessThanOrEqual(5);
        names.push(...(page.InstanceTypes ?? []).map((type) => type.InstanceType as string));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toContain('c5.large');
    });

    it.each([
      [{ InstanceTypes: ['t3.micro', 'x9.huge' as _InstanceType] }, 'InvalidInstanceType'],
      [{ Filters: [{ Name: 'tag:team', Values: ['ci'] }] }, 'InvalidParameterValue'],
    ] satisfies Array<[DescribeInstanceTypesCommandInput, string]>)('refuses %j with %s', async (input, code) => {
      expect((await rejectionOf(bed.ec2.send(new DescribeInstanceTypesCommand(input)))).name).toBe(code);
    });
  });
});
