import { DescribeHostsCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHooks, startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { providerView } from '../src/testing/provider-fixture.js';

const ZONE = 'us-east-1b';

// Nodepool's `dedicated-host` labels: one host per node, the instance placed on it, the host
// released when the node is deleted, hosts in leak cleanup.
describe('AwsAdapter with dedicated-host labels', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());
  const start = async () =>
    (bed = await startAwsTestBed({
      config: providerView([
        { name: 'host', instanceType: 'm5.large', dedicatedHost: true },
        { name: 'refused', instanceType: 'm5.large', dedicatedHost: true, userdata: 'x'.repeat(20_000) },
      ]),
    }));
  const hosts = async () => (await bed.ec2.send(new DescribeHostsCommand({}))).Hosts ?? [];

  it('allocates a tagged host in the zone, places the instance on it, and releases it with the node', async () => {
    await start();
    const request = bed.request('host', { az: ZONE });
    const instanceId = await bed.adapter.createResource(request, recordingHooks());

    const [host, ...others] = await hosts();
    expect(others).toEqual([]);
    expect(host).toMatchObject({ State: 'available', AvailabilityZone: ZONE, AutoPlacement: 'off', HostProperties: { InstanceType: 'm5.large' } });
    expect(Object.fromEntries((host!.Tags ?? []).map((tag) => [tag.Key, tag.Value]))).toMatchObject({ [TAG.nodeId]: request.nodeId });
    const [instance] = (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances!;
    expect(instance!.Placement).toMatchObject({ Tenancy: 'host', HostId: host!.HostId, AvailabilityZone: ZONE });

    bed.settle();
    const ready = (await bed.adapter.listNodes()).find((node) => node.externalId === instanceId);
    expect(ready).toMatchObject({ state: 'ready', hostId: host!.HostId });
    // m5.large: 1 core, 8 GiB, one host under Running Dedicated m5 Hosts, no on-demand vCPUs.
    expect(ready?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 8192, 'L-8B7BF662': 1 });
    expect((await bed.adapter.getQuotaForLabel(bed.label('host'))).toJSON()).toEqual({ instances: 1, cores: 1, ram: 8192, 'L-8B7BF662': 1, 'L-7A658B76': 20 });

    await bed.adapter.cleanupNode(instanceId);
    bed.settle();
    // The instance is terminated; the node is gone once its host is released.
    expect((await bed.adapter.listNodes()).find((node) => node.externalId === instanceId)?.state).toBe('deleting');
    expect((await hosts())[0]?.State).toBe('released');
    bed.settle();
    expect((await bed.adapter.listNodes()).find((node) => node.externalId === instanceId)?.state).toBe('deleted');
  });

  it('releases the host of a launch that EC2 refused', async () => {
    await start();
    await expect(bed.adapter.createResource(bed.request('refused', { az: ZONE }), recordingHooks())).rejects.toMatchObject({ code: 'InvalidParameterValue' });
    expect((await hosts()).map((host) => host.State)).toEqual(['released']);
  });

  it('lists the provider hosts for leak cleanup and releases them', async () => {
    await start();
    await bed.adapter.createResource(bed.request('refused', { az: ZONE, nodeId: '0000000077' }), recordingHooks()).catch(() => undefined);
    await bed.adapter.createResource(bed.request('host', { az: ZONE }), recordingHooks());
    const instanceIds = (await bed.adapter.listNodes()).map((node) => node.externalId);
    const listed = (await bed.adapter.listResources()).filter((resource) => resource.type === 'dedicated-host');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ deletionOrder: 2, tags: { [TAG.nodeId]: expect.any(String) } });
    for (const id of instanceIds) await bed.adapter.deleteResource({ type: 'instance', id, tags: {}, deletionOrder: 0 });
    bed.settle();
    await bed.adapter.deleteResource(listed[0]!);
    expect((await hosts()).every((host) => host.State === 'released')).toBe(true);
    expect((await bed.adapter.listResources()).filter((resource) => resource.type === 'dedicated-host')).toEqual([]);
  });

  it('refuses a dedicated-host launch without a zone, allocating nothing', async () => {
    await start();
    await expect(bed.adapter.createResource(bed.request('host'), recordingHooks())).rejects.toMatchObject({ kind: 'permanent' });
    expect(await hosts()).toEqual([]);
  });
});
