import type { BlockDeviceMapping, EbsBlockDevice, VolumeType } from '@aws-sdk/client-ec2';
import { CloudError } from '@cloudpool/common';
import type { AwsLabelSettings } from './config.js';
import type { ResolvedImage } from './image-resolver.js';

/** What a label may change of its image's root volume. */
export type RootVolumeSettings = Pick<AwsLabelSettings, 'volumeSize' | 'volumeType' | 'iops' | 'throughput'>;

/**
 * The `BlockDeviceMapping` of the root volume for RunInstances, as Nodepool makes it: the
 * image's own mapping of its root device (from DescribeImages: snapshot id, size, type,
 * IOPS, throughput, encryption), deleted on termination, with the label's `volume-size`,
 * `volume-type`, `iops` and `throughput` applied on top. The EC2 API reference wants every
 * EBS mapping to name its snapshot or its size, so the mapping is complete, never the short
 * form that EC2 happens to merge with the image's.
 *
 * Undefined when nothing needs changing: the label sets no volume key and the image already
 * deletes its root volume on termination (EC2 then uses the image's mapping as it is).
 *
 * - A changed volume type drops the image's IOPS and throughput (a gp3 image's 3,000 IOPS are
 *   invalid on gp2); the label's own are kept.
 * - `Encrypted` is sent only when the image's volume is encrypted: encryption cannot be
 *   removed, and leaving it out otherwise lets the account's encryption default apply.
 * - A `volume-size` below the image's snapshot size, or volume keys for an image without an
 *   EBS root volume, are `permanent` CloudErrors naming the label and image (EC2 would refuse
 *   every attempt).
 */
export function rootVolumeMapping(labelName: string, image: ResolvedImage, label: RootVolumeSettings): BlockDeviceMapping | undefined {
  const changes = label.volumeSize !== undefined || label.volumeType !== undefined || label.iops !== undefined || label.throughput !== undefined;
  const root = image.rootDevice;
  if (!root?.Ebs || root.DeviceName === undefined) {
    if (!changes) return undefined;
    throw invalid(labelName, `image ${image.imageId} has no EBS root volume for volume-size, volume-type, iops or throughput to change`);
  }
  const imageEbs = root.Ebs;
  if (!changes && imageEbs.DeleteOnTermination === true) return undefined;
  if (label.volumeSize !== undefined && imageEbs.VolumeSize !== undefined && label.volumeSize < imageEbs.VolumeSize) {
    throw invalid(labelName, `volume-size ${label.volumeSize} GiB is smaller than the ${imageEbs.VolumeSize} GiB snapshot of image ${image.imageId}`);
  }
  const volumeType = label.volumeType ?? imageEbs.VolumeType;
  const typeChanged = label.volumeType !== undefined && label.volumeType !== imageEbs.VolumeType;
  const iops = label.iops ?? (typeChanged ? undefined : imageEbs.Iops);
  const throughput = label.throughput ?? (typeChanged ? undefined : imageEbs.Throughput);
  const volumeSize = label.volumeSize ?? imageEbs.VolumeSize;
  if (imageEbs.SnapshotId === undefined && volumeSize === undefined) {
    throw invalid(labelName, `the root volume of image ${image.imageId} has neither a snapshot nor a size`);
  }
  const ebs: EbsBlockDevice = {
    DeleteOnTermination: true,
    ...(imageEbs.SnapshotId === undefined ? {} : { SnapshotId: imageEbs.SnapshotId }),
    ...(volumeSize === undefined ? {} : { VolumeSize: volumeSize }),
    ...(volumeType === undefined ? {} : { VolumeType: volumeType as VolumeType }),
    ...(iops === undefined ? {} : { Iops: iops }),
    ...(throughput === undefined ? {} : { Throughput: throughput }),
    ...(imageEbs.Encrypted === true ? { Encrypted: true } : {}),
  };
  return { DeviceName: root.DeviceName, Ebs: ebs };
}

function invalid(labelName: string, message: string): CloudError {
  return new CloudError('permanent', `label ${labelName}: ${message}`, { action: 'RunInstances' });
}
