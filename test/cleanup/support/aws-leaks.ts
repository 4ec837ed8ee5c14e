import type { Ec2Port } from '@cloudpool/aws';
import { AwsCloud } from '../../launcher/support/aws-cloud.js';
import type { LeakCloud, PlantOptions } from './leak-cloud.js';

/**
 * EC2: a leaked node is an instance (its root volume and interface go with it), a detached
 * volume, a detached network interface, or an Elastic IP; image uploads are an AMI and its
 * snapshot. Read around the driver with the EC2 port of the launcher tests' cloud (clients of
 * the test's own, every page of each Describe call).
 */
export class AwsLeaks implements LeakCloud {
  readonly base = new AwsCloud();
  readonly nodeTypes = ['instance', 'volume', 'nic', 'public-ip'];

  async start(): Promise<void> {
    await this.base.start();
  }

  async stop(): Promise<void> {
    await this.base.stop();
  }

  async plant(type: string, tags: Record<string, string>, { ageMs = 0 }: PlantOptions = {}): Promise<string> {
    const { sim } = this.base;
    switch (type) {
      case 'instance':
        return `instance:${sim.seed({ instances: [{ tags, launchTimeAgoMs: ageMs }] }).instances[0]}`;
      case 'volume':
        return `volume:${sim.seed({ volumes: [{ tags, createTimeAgoMs: ageMs }] }).volumes[0]}`;
      case 'public-ip':
        return `public-ip:${sim.seed({ addresses: [{ tags }] }).addresses[0]}`;
      case 'nic':
        return `nic:${sim.seed({ networkInterfaces: [{ tags }] }).networkInterfaces[0]}`;
      default:
        throw new Error(`aws: cannot plant a ${type}`);
    }
  }

  async plantUpload(tags: Record<string, string>): Promise<string[]> {
    const [snapshotId] = this.base.sim.seed({ snapshots: [{ tags }] }).snapshots;
    const [imageId] = this.base.sim.seed({ images: [{ tags, snapshotId }] }).images;
    return [`image:${imageId}`, `snapshot:${snapshotId}`];
  }

  async present(): Promise<Set<string>> {
    const [instances, volumes, images, snapshots, addresses, networkInterfaces] = await Promise.all([
      this.ec2.describeInstances([]),
      this.ec2.describeVolumes([]),
      this.ec2.describeImages({ Owners: ['self'] }),
      this.ec2.describeSnapshots({ OwnerIds: ['self'] }),
      this.ec2.describeAddresses([]),
      this.ec2.describeNetworkInterfaces([]),
    ]);
    return new Set([
      ...instances
        .filter((instance) => !['shutting-down', 'terminated'].includes(instance.State?.Name ?? ''))
        .map((instance) => `instance:${instance.InstanceId}`),
      ...volumes.filter((volume) => volume.State !== 'deleting').map((volume) => `volume:${volume.VolumeId}`),
      ...images.map((image) => `image:${image.ImageId}`),
      ...snapshots.map((snapshot) => `snapshot:${snapshot.SnapshotId}`),
      ...addresses.map((address) => `public-ip:${address.AllocationId}`),
      ...networkInterfaces.map((networkInterface) => `nic:${networkInterface.NetworkInterfaceId}`),
    ]);
  }

  private get ec2(): Ec2Port {
    return this.base.ec2;
  }
}
