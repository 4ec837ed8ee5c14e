import type { BlockDeviceMapping } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { rootVolumeMapping } from '../src/root-volume.js';

// The mapping RunInstances is sent for the root volume, checked against the EC2 API reference
// (EbsBlockDevice: "You must specify either a snapshot ID or a volume size").
describe('rootVolumeMapping', () => {
  const gp3Root: BlockDeviceMapping = {
    DeviceName: '/dev/sda1',
    Ebs: { SnapshotId: 'snap-0a8e2d71c4f69b513', VolumeSize: 8, VolumeType: 'gp3', Iops: 3000, Throughput: 125, DeleteOnTermination: true, Encrypted: false },
  };
  const image = (rootDevice: BlockDeviceMapping | undefined) => ({ imageId: 'ami-0b7d4e29c6a1f5e30', rootDevice });

  it('sends no mapping when the label changes nothing and the image deletes its root volume', () => {
    expect(rootVolumeMapping('plain', image(gp3Root), {})).toBeUndefined();
  });

  it("copies the image's whole root mapping when only DeleteOnTermination must change", () => {
    const kept = { ...gp3Root, Ebs: { ...gp3Root.Ebs, DeleteOnTermination: false } };
    expect(rootVolumeMapping('plain', image(kept), {})).toEqual({
      DeviceName: '/dev/sda1',
      Ebs: { DeleteOnTermination: true, SnapshotId: 'snap-0a8e2d71c4f69b513', VolumeSize: 8, VolumeType: 'gp3', Iops: 3000, Throughput: 125 },
    });
  });

  it("applies the label's size on top of the image's snapshot, type and performance", () => {
    expect(rootVolumeMapping('big', image(gp3Root), { volumeSize: 40 })?.Ebs).toEqual({
      DeleteOnTermination: true,
      SnapshotId: 'snap-0a8e2d71c4f69b513',
      VolumeSize: 40,
      VolumeType: 'gp3',
      Iops: 3000,
      Throughput: 125,
    });
  });

  it("drops the image's IOPS and throughput when the label changes the volume type", () => {
    expect(rootVolumeMapping('gp2', image(gp3Root), { volumeType: 'gp2' })?.Ebs).toEqual({
      DeleteOnTermination: true,
      SnapshotId: 'snap-0a8e2d71c4f69b513',
      VolumeSize: 8,
      VolumeType: 'gp2',
    });
    expect(rootVolumeMapping('io2', image(gp3Root), { volumeType: 'io2', iops: 5000 })?.Ebs).toMatchObject({ VolumeType: 'io2', Iops: 5000 });
  });

  it('keeps encryption of an encrypted image', () => {
    const encrypted = { ...gp3Root, Ebs: { ...gp3Root.Ebs, Encrypted: true } };
    expect(rootVolumeMapping('big', image(encrypted), { volumeSize: 40 })?.Ebs?.Encrypted).toBe(true);
    expect(rootVolumeMapping('big', image(gp3Root), { volumeSize: 40 })?.Ebs).not.toHaveProperty('Encrypted');
  });

  it('refuses what EC2 would refuse on every attempt, naming label and image', () => {
    expect(() => rootVolumeMapping('tiny', image(gp3Root), { volumeSize: 4 })).toThrow(
      /label tiny: volume-size 4 GiB is smaller than the 8 GiB snapshot of image ami-0b7d4e29c6a1f5e30/,
    );
    expect(() => rootVolumeMapping('big', image(undefined), { volumeSize: 40 })).toThrow(/label big: image ami-0b7d4e29c6a1f5e30 has no EBS root volume/);
    expect(rootVolumeMapping('plain', image(undefined), {})).toBeUndefined();
  });
});
