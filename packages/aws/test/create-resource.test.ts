import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeVolumesCommand, type Instance } from '@aws-sdk/client-ec2';
import { sampleNodeRequestInfo } from '@cloudpool/common/testing';
import { TAG, type CloudError } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHooks, startAwsTestBed, type AwsTestBed, type AwsTestBedOptions } from '../src/testing/test-bed.js';
import { JAMMY_IMAGE_ID, NOBLE_AMD64_IMAGE_ID, providerView } from '../src/testing/provider-fixture.js';

const tagsOf = (resource: { Tags?: Array<{ Key?: string; Value?: string }> }) =>
  Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key, tag.Value]));

describe('AwsAdapter.createResource', () => {
  let bed: AwsTestBed;
  const start = async (options: AwsTestBedOptions = {}) => (bed = await startAwsTestBed(options));
  afterEach(async () => bed?.stop());

  async function instancesOfNode(nodeId: string): Promise<Instance[]> {
    const output = await bed.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAG.nodeId}`, Values: [nodeId] }] }));
    return (output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  }

  it('tags the instance, its volumes and its network interface in the one RunInstances call', async () => {
    await start();
    const request = bed.request();
    const hooks = recordingHooks();
    const instanceId = await bed.adapter.createResource(request, hooks);

    expect(hooks.reported).toEqual([instanceId]);
    expect(bed.sim.counters.count('RunInstances')).toBe(1);
    expect(bed.sim.counters.count('CreateTags')).toBe(0);
    const expected = { ...request.tags, Name: request.hostname };
    const [instance] = await instancesOfNode(request.nodeId);
    expect(tagsOf(instance!)).toEqual(expected);
    const attached = [{ Name: 'attachment.instance-id', Values: [instanceId] }];
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: attached }));
    const { NetworkInterfaces: interfaces = [] } = await bed.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: attached }));
    expect(volumes).toHaveLength(1);
    expect(interfaces).toHaveLength(1);
    for (const volume of volumes) expect(tagsOf(volume)).toEqual(expected);
    for (const networkInterface of interfaces) expect(tagsOf({ Tags: networkInterface.TagSet })).toEqual(expected);
    expect(volumes[0]).toMatchObject({ Size: 20, VolumeType: 'gp3' });
    expect(instance!.BlockDeviceMappings?.[0]).toMatchObject({ DeviceName: '/dev/sda1', Ebs: { DeleteOnTermination: true } });
    expect(instance).toMatchObject({ ImageId: JAMMY_IMAGE_ID, InstanceType: 't3.medium', KeyName: 'zuul' });
  });

  // Nodepool's plain label (no volume keys) failed every launch against an EC2 that follows the
  // API reference: the driver sent a root mapping with only DeleteOnTermination.
  it("launches a label without volume settings with the image's own root volume, sending no mapping", async () => {
    await start({ config: providerView([{ name: 'plain', volumeSize: undefined, volumeType: undefined }]) });
    const instanceId = await bed.adapter.createResource(bed.request('plain'), recordingHooks());
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({ Size: 8, VolumeType: 'gp2' });
    expect(bed.sim.counters.count('RunInstances')).toBe(1);
  });

  it("sends the image's complete root mapping when only DeleteOnTermination must change", async () => {
    await start({ config: providerView([{ name: 'kept', cloudImage: 'ubuntu-newest', volumeSize: undefined, volumeType: undefined }]) });
    // The newest image matching the cloud image's filters: made after the public ones (2024).
    const madeIn2026 = -(2 * 365 * 24 * 3_600_000);
    bed.sim.seed({
      images: [{ name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-own-amd64-server-1', volumeSize: 12, deleteOnTermination: false, creationTimeAgoMs: madeIn2026 }],
    });
    const instanceId = await bed.adapter.createResource(bed.request('kept'), recordingHooks());
    const [instance] = (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances!;
    expect(instance!.BlockDeviceMappings?.[0]).toMatchObject({ DeviceName: '/dev/sda1', Ebs: { DeleteOnTermination: true } });
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    expect(volumes[0]).toMatchObject({ Size: 12, VolumeType: 'gp3' });
    expect(volumes[0]?.SnapshotId).toMatch(/^snap-/);
  });

  it("boots a diskimage label from the builder's AMI (the upload's external_id), with the image's root volume and the label's size", async () => {
    await start();
    // An image as nodepool-builder's import leaves it: private, tagged with the upload tags.
    const [ami] = bed.sim.seed({
      images: [{ name: 'fedora-1700000000', tags: { nodepool_provider_name: 'aws', nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' }, volumeSize: 10 }],
    }).images;
    const small = bed.request();
    const request = bed.request('small', {
      label: { ...small.label, cloudImage: undefined, diskimage: 'fedora' },
      upload: { externalId: ami!, imageId: '/nodepool/images/fedora/builds/0000000001/providers/aws/images/0000000001' },
    });
    const instanceId = await bed.adapter.createResource(request, recordingHooks());
    const [instance] = (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances!;
    expect(instance).toMatchObject({ ImageId: ami, InstanceType: 't3.medium' });
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    expect(volumes[0]).toMatchObject({ Size: 20, VolumeType: 'gp3' });
    expect(volumes[0]?.SnapshotId).toMatch(/^snap-/);

    // An upload whose AMI is gone fails the launch permanently, naming it.
    const gone = bed.request('small', { nodeId: '0000000077', label: request.label, upload: { externalId: 'ami-0123456789abcdef0', imageId: request.upload!.imageId } });
    await expect(bed.adapter.createResource(gone, recordingHooks())).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('image ami-0123456789abcdef0 does not exist') });
  });

  it('repeats RunInstances with the same ClientToken after lost answers and never makes a second instance', async () => {
    await start();
    const request = bed.request();
    bed.sim.setKnobs({ faults: { lostResponseRatio: 1 } });
    const failure = await bed.adapter.createResource(request, recordingHooks()).catch((error: CloudError) => error);
    expect(failure).toMatchObject({ name: 'CloudError', kind: 'transient', action: 'RunInstances' });
    expect(bed.sim.counters.count('RunInstances')).toBe(3);
    const [made, ...more] = await instancesOfNode(request.nodeId);
    expect(more).toEqual([]);

    bed.sim.setKnobs({ faults: { lostResponseRatio: 0 } });
    const retried = await bed.adapter.createResource(request, recordingHooks());
    expect(retried).toBe(made!.InstanceId);
    expect(await instancesOfNode(request.nodeId)).toHaveLength(1);

    const nextAttempt = await bed.adapter.createResource({ ...request, attempt: 2 }, recordingHooks());
    expect(nextAttempt).not.toBe(retried);
  });

  it('resolves image-filters to the newest matching image once for many launches', async () => {
    await start({ config: providerView([{ name: 'newest', cloudImage: 'ubuntu-newest' }, { name: 'small' }]) });
    const ids = await Promise.all(Array.from({ length: 6 }, () => bed.adapter.createResource(bed.request('newest'), recordingHooks())));
    expect(bed.sim.counters.count('DescribeImages')).toBe(1);
    const output = await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const images = output.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.ImageId);
    expect(images).toEqual(Array(6).fill(NOBLE_AMD64_IMAGE_ID));

    await bed.adapter.createResource(bed.request('small'), recordingHooks());
    await bed.adapter.createResource(bed.request('small'), recordingHooks());
    expect(bed.sim.counters.count('DescribeImages')).toBe(2);
  });

  it('fails a label with an unknown instance type permanently; other labels keep launching', async () => {
    await start({ config: providerView([{ name: 'bogus', instanceType: 'q9.enormous' }, { name: 'small' }]) });
    await expect(bed.adapter.createResource(bed.request('bogus'), recordingHooks())).rejects.toMatchObject({ kind: 'permanent' });
    await expect(bed.adapter.getQuotaForLabel(bed.label('bogus'))).rejects.toMatchObject({ kind: 'permanent', code: 'InvalidInstanceType' });
    await expect(bed.adapter.createResource(bed.request('small'), recordingHooks())).resolves.toMatch(/^i-/);
    expect((await bed.adapter.getQuotaForLabel(bed.label('small'))).get('cores')).toBe(1);
  });

  it('launches spot instances and counts them against the spot vCPU quota', async () => {
    await start({ config: providerView([{ name: 'spot', useSpot: true }]) });
    const instanceId = await bed.adapter.createResource(bed.request('spot'), recordingHooks());
    const [instance] = (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances!;
    expect(instance!.InstanceLifecycle).toBe('spot');
    const listed = (await bed.adapter.listNodes()).find((node) => node.externalId === instanceId);
    expect(listed?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 4096, 'L-34B43A08': 2 });
    expect((await bed.adapter.getQuotaForLabel(bed.label('spot'))).get('L-34B43A08')).toBe(2);
  });

  it('writes dynamic tags formatted with the node request on the instance, its volume and its interface; a broken one is left out', async () => {
    const dynamicTags = {
      'zuul-request': '{request.id}',
      'zuul-job': '{request.requestor_data[job_name]}@{request.tenant_name}',
      team: 'dynamic-{request.labels[0]}',
      broken: '{request.requestor_data[missing]}',
      literal: 'ci-{{braces}}',
      nodepool_node_id: 'never',
    };
    await start({ config: providerView([{ name: 'small', dynamicTags }]) });
    const info = sampleNodeRequestInfo(['small']);
    const request = bed.request('small', { request: info });
    const instanceId = await bed.adapter.createResource(request, recordingHooks());
    await bed.adapter.createResource(bed.request('small', { request: { ...info, id: '100-0000000043' } }), recordingHooks());

    const expected: Record<string, string> = {
      ...request.tags,
      'zuul-request': '100-0000000042',
      'zuul-job': 'tox-py311@openstack',
      team: 'dynamic-small',
      literal: 'ci-{braces}',
      Name: request.hostname,
    };
    const [instance] = await instancesOfNode(request.nodeId);
    expect(tagsOf(instance!)).toEqual(expected);
    expect(expected[TAG.nodeId]).toBe(request.nodeId);
    const attached = [{ Name: 'attachment.instance-id', Values: [instanceId] }];
    const { Volumes: volumes = [] } = await bed.ec2.send(new DescribeVolumesCommand({ Filters: attached }));
    const { NetworkInterfaces: interfaces = [] } = await bed.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: attached }));
    expect(volumes.map(tagsOf)).toEqual([expected]);
    expect(interfaces.map((networkInterface) => tagsOf({ Tags: networkInterface.TagSet }))).toEqual([expected]);
    // One warning for the label and tag, naming the request of the first launch.
    expect(bed.logger.warnings()).toHaveLength(1);
    expect(bed.logger.warnings()[0]!.args[0]).toEqual({ label: 'small', tag: 'broken', request: '100-0000000042', error: "KeyError: 'missing'" });
  });

  it('without a node request writes the dynamic tags that need none and skips the others with one warning', async () => {
    const dynamicTags = { 'zuul-request': '{request.id}', literal: 'ci-{{braces}}' };
    await start({ config: providerView([{ name: 'small', dynamicTags }]) });
    const request = bed.request();
    await bed.adapter.createResource(request, recordingHooks());
    await bed.adapter.createResource(bed.request(), recordingHooks());
    const [instance] = await instancesOfNode(request.nodeId);
    const tags = tagsOf(instance!);
    expect(tags).toMatchObject({ literal: 'ci-{braces}', [TAG.nodeId]: request.nodeId });
    expect(tags).not.toHaveProperty('zuul-request');
    expect(bed.logger.warnings()).toHaveLength(1);
  });
});
