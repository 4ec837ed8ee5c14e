import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: volumes, snapshots, addresses and interfaces', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed({ knobs: { deleteTimeMs: 10_000 } });
  });
  afterEach(async () => {
    await bed.stop();
  });

  describe('volumes', () => {
    it('lists volumes by status and tag, paged', async () => {
      bed.sim.seedInstances(4, { 'cloudpool-provider': 'east' });
      const { volumes } = bed.sim.seed({ volumes: [{ tags: { 'cloudpool-provider': 'east' }, size: 20 }, { size: 30 }] });
      const leaked = await bed.ec2.send(
        new DescribeVolumesCommand({
          Filters: [
            { Name: 'status', Values: ['available'] },
            { Name: 'tag:cloudpool-provider', Values: ['east'] },
          ],
        }),
      );
      expect(leaked.Volumes?.map((volume) => [volume.VolumeId, volume.Size, volume.State])).toEqual([[volumes[0], 20, 'available']]);

      const first = await bed.ec2.send(new DescribeVolumesCommand({ MaxResults: 5 }));
      expect(first.Volumes).toHaveLength(5);
      const second = await bed.ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: first.NextToken }));
      expect(second.Volumes?.map((volume) => volume.VolumeId)).toEqual([volumes[1]]);
      expect(second.NextToken).toBeUndefined();
    });

    it('deletes only detached volumes: deleting for the delete time, then gone', async () => {
      const [instanceId] = bed.sim.seedInstances(1);
      const { volumes } = bed.sim.seed({ volumes: [{}] });
      const attached = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId as string] }] }));
      const inUse = await rejectionOf(bed.ec2.send(new DeleteVolumeCommand({ VolumeId: attached.Volumes?.[0]?.VolumeId })));
      expect(inUse.name).toBe('VolumeInUse');

      await bed.ec2.send(new DeleteVolumeCommand({ VolumeId: volumes[0] }));
      const deleting = await bed.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumes[0] as string] }));
      expect(deleting.Volumes?.[0]?.State).toBe('deleting');
      bed.clock.advance(10_000);
      const missing = await rejectionOf(bed.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumes[0] as string] })));
      expect(missing.name).toBe('InvalidVolume.NotFound');
      expect((await rejectionOf(bed.ec2.send(new DeleteVolumeCommand({ VolumeId: volumes[0] })))).name).toBe('InvalidVolume.NotFound');
    });
  });

  describe('snapshots', () => {
    it('lists the account’s snapshots by owner and tag, and refuses to delete one an image uses', async () => {
      const { snapshots, images } = bed.sim.seed({
        snapshots: [{ tags: { 'cloudpool-upload': 'yes' }, volumeSize: 12 }, { ownerId: '999999999999' }],
        images: [{ name: 'cloudpool-image' }],
      });
      const own = await bed.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:cloudpool-upload', Values: ['yes'] }] }));
      expect(own.Snapshots?.map((snapshot) => [snapshot.SnapshotId, snapshot.VolumeSize, snapshot.State, snapshot.OwnerId])).toEqual([
        [snapshots[0], 12, 'completed', '123456789012'],
      ]);
      const selfOwned = await bed.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
      expect(selfOwned.Snapshots).toHaveLength(2);

      const imageSnapshot = selfOwned.Snapshots?.find((snapshot) => snapshot.SnapshotId !== snapshots[0])?.SnapshotId;
      const inUse = await rejectionOf(bed.ec2.send(new DeleteSnapshotCommand({ SnapshotId: imageSnapshot })));
      expect(inUse.name).toBe('InvalidSnapshot.InUse');
      expect(inUse.message).toContain(images[0]);

      await bed.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshots[0] }));
      const missing = await rejectionOf(bed.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshots[0] as string] })));
      expect(missing.name).toBe('InvalidSnapshot.NotFound');
    });
  });

  describe('addresses', () => {
    it('lists Elastic IPs with their associations, and releases only unassociated ones', async () => {
      const [instanceId] = bed.sim.seedInstances(1);
      const { addresses } = bed.sim.seed({ addresses: [{ instanceId, tags: { 'cloudpool-provider': 'east' } }, {}] });
      const all = await bed.ec2.send(new DescribeAddressesCommand({}));
      expect(all.Addresses?.map((address) => [address.AllocationId, address.InstanceId, address.Domain])).toEqual([
        [addresses[0], instanceId, 'vpc'],
        [addresses[1], undefined, 'vpc'],
      ]);
      const tagged = await bed.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:cloudpool-provider', Values: ['east'] }] }));
      expect(tagged.Addresses?.map((address) => address.PublicIp)).toEqual([all.Addresses?.[0]?.PublicIp]);

      expect((await rejectionOf(bed.ec2.send(new ReleaseAddressCommand({ AllocationId: addresses[0] })))).name).toBe('InvalidIPAddress.InUse');
      await bed.ec2.send(new ReleaseAddressCommand({ AllocationId: addresses[1] }));
      const missing = await rejectionOf(bed.ec2.send(new DescribeAddressesCommand({ AllocationIds: [addresses[1] as string] })));
      expect(missing.name).toBe('InvalidAllocationID.NotFound');

      await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId as string] }));
      bed.clock.advance(10_000);
      const released = await bed.ec2.send(new DescribeAddressesCommand({ AllocationIds: [addresses[0] as string] }));
      expect(released.Addresses?.[0]?.InstanceId).toBeUndefined();
      await bed.ec2.send(new ReleaseAddressCommand({ AllocationId: addresses[0] }));
    });
  });

  it('describes network interfaces by the instance they are attached to', async () => {
    const [first, second] = bed.sim.seedInstances(2, { role: 'ci' });
    const answer = await bed.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [second as string] }] }),
    );
    expect(answer.NetworkInterfaces?.map((networkInterface) => networkInterface.Attachment?.InstanceId)).toEqual([second]);
    expect(answer.NetworkInterfaces?.[0]?.TagSet).toEqual([{ Key: 'role', Value: 'ci' }]);
    expect(first).not.toBe(second);
  });

  describe('network interfaces', () => {
    /** RunInstances of one instance whose primary interface is tagged and, unless `deleteOnTermination`, outlives it. */
    async function launch(deleteOnTermination: boolean | undefined): Promise<{ instanceId: string; networkInterfaceId: string }> {
      const answer = await bed.ec2.send(
        new RunInstancesCommand({
          ImageId: UBUNTU_JAMMY_AMD64,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          NetworkInterfaces: [{ DeviceIndex: 0, ...(deleteOnTermination === undefined ? {} : { DeleteOnTermination: deleteOnTermination }) }],
          TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'nodepool_provider_name', Value: 'east' }] }],
        }),
      );
      const instance = answer.Instances?.[0];
      return { instanceId: instance?.InstanceId ?? '', networkInterfaceId: instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '' };
    }

    const describeOne = async (id: string) =>
      (await bed.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces?.[0];

    it('deletes the primary interface with its instance, unless RunInstances said DeleteOnTermination false', async () => {
      const kept = await launch(false);
      const byDefault = await launch(undefined);
      const deleted = await launch(true);
      expect((await describeOne(kept.networkInterfaceId))?.Attachment).toMatchObject({ InstanceId: kept.instanceId, DeleteOnTermination: false });
      expect((await describeOne(byDefault.networkInterfaceId))?.Attachment?.DeleteOnTermination).toBe(true);

      await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [kept.instanceId, byDefault.instanceId, deleted.instanceId] }));
      bed.clock.advance(10_000);
      const left = await describeOne(kept.networkInterfaceId);
      expect(left).toMatchObject({ Status: 'available', TagSet: [{ Key: 'nodepool_provider_name', Value: 'east' }] });
      expect(left?.Attachment).toBeUndefined();
      for (const gone of [byDefault.networkInterfaceId, deleted.networkInterfaceId]) {
        expect((await rejectionOf(describeOne(gone))).name).toBe('InvalidNetworkInterfaceID.NotFound');
      }
      const available = await bed.ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [
            { Name: 'status', Values: ['available'] },
            { Name: 'tag:nodepool_provider_name', Values: ['east'] },
          ],
        }),
      );
      expect(available.NetworkInterfaces?.map((networkInterface) => networkInterface.NetworkInterfaceId)).toEqual([kept.networkInterfaceId]);
    });

    it('deletes only detached interfaces, with EC2’s error codes', async () => {
      const { instanceId, networkInterfaceId: attached } = await launch(false);
      const { networkInterfaces } = bed.sim.seed({ networkInterfaces: [{ tags: { leaked: 'yes' }, description: 'left over' }] });
      const seeded = networkInterfaces[0] as string;
      expect(await describeOne(seeded)).toMatchObject({ Status: 'available', Description: 'left over', TagSet: [{ Key: 'leaked', Value: 'yes' }] });

      const inUse = await rejectionOf(bed.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: attached })));
      expect(inUse).toMatchObject({ name: 'InvalidParameterValue', message: `Network interface '${attached}' is currently in use.` });
      expect(await describeOne(attached)).toBeDefined();

      await bed.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: seeded }));
      expect((await rejectionOf(describeOne(seeded))).name).toBe('InvalidNetworkInterfaceID.NotFound');
      expect((await rejectionOf(bed.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: seeded })))).name).toBe(
        'InvalidNetworkInterfaceID.NotFound',
      );
      expect((await rejectionOf(bed.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-nope' })))).name).toBe(
        'InvalidNetworkInterfaceID.Malformed',
      );

      await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      bed.clock.advance(10_000);
      await bed.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: attached }));
      expect((await rejectionOf(describeOne(attached))).name).toBe('InvalidNetworkInterfaceID.NotFound');
    });
  });

  it('tags resources of every type, all or nothing', async () => {
    const [instanceId] = bed.sim.seedInstances(1);
    const { volumes, snapshots, addresses } = bed.sim.seed({ volumes: [{}], snapshots: [{}], addresses: [{}] });
    const ids = [instanceId, volumes[0], snapshots[0], addresses[0]] as string[];
    const refused = await rejectionOf(bed.ec2.send(new CreateTagsCommand({ Resources: [...ids, 'vol-0123456789abcdef0'], Tags: [{ Key: 'k', Value: 'v' }] })));
    expect(refused.name).toBe('InvalidVolume.NotFound');
    expect((await rejectionOf(bed.ec2.send(new CreateTagsCommand({ Resources: ['bucket-1'], Tags: [{ Key: 'k', Value: 'v' }] })))).name).toBe('InvalidID');
    expect((await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: ['k'] }] }))).Volumes).toEqual([]);

    await bed.ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'k', Value: 'v' }] }));
    const volumesTagged = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }));
    expect(volumesTagged.Volumes?.map((volume) => volume.VolumeId)).toEqual([volumes[0]]);
    const snapshotsTagged = await bed.ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }));
    expect(snapshotsTagged.Snapshots?.map((snapshot) => snapshot.SnapshotId)).toEqual([snapshots[0]]);
    const addressesTagged = await bed.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }));
    expect(addressesTagged.Addresses?.map((address) => address.AllocationId)).toEqual([addresses[0]]);
  });
});
