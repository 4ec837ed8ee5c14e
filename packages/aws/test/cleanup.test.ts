import { DescribeImagesCommand, DescribeNetworkInterfacesCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { PROVIDER_NAME, SYSTEM_ID } from '../src/testing/provider-fixture.js';

const ours = { [TAG.providerName]: PROVIDER_NAME, [TAG.systemId]: SYSTEM_ID };

describe('AwsAdapter.cleanupNode', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());

  it('terminates 120 nodes asked for at once in 3 TerminateInstances calls of at most 50', async () => {
    bed = await startAwsTestBed({ timings: { terminateWindowMs: 50 } });
    const ids = bed.sim.seedInstances(120, { ...ours, [TAG.nodeId]: '0000000001' });
    await Promise.all(ids.map((id) => bed.adapter.cleanupNode(id)));
    expect(bed.sim.counters.count('TerminateInstances')).toBe(3);
    expect(bed.sim.resources().instances['shutting-down']).toBe(120);
    bed.settle();
    expect((await bed.adapter.listNodes()).every((node) => node.state === 'deleted')).toBe(true);
  });

  it('counts ids that do not exist as done without failing the rest of their batch', async () => {
    bed = await startAwsTestBed({ timings: { terminateWindowMs: 20 } });
    const ids = bed.sim.seedInstances(3, { ...ours, [TAG.nodeId]: '0000000001' });
    const gone = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2'];
    await Promise.all([...gone, ...ids].map((id) => bed.adapter.cleanupNode(id)));
    expect(bed.sim.counters.count('TerminateInstances')).toBe(2);
    expect(bed.sim.resources().instances['shutting-down']).toBe(3);
  });

  it('fails only the malformed id of a batch', async () => {
    bed = await startAwsTestBed({ timings: { terminateWindowMs: 20 } });
    const [id] = bed.sim.seedInstances(1, { ...ours, [TAG.nodeId]: '0000000001' });
    const results = await Promise.allSettled([bed.adapter.cleanupNode(id!), bed.adapter.cleanupNode('i-not-an-id')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(results[1]).toMatchObject({ reason: { kind: 'permanent', code: 'InvalidInstanceID.Malformed' } });
  });

  it('rejects the callers of a batch that AWS refused for another reason', async () => {
    bed = await startAwsTestBed();
    const [id] = bed.sim.seedInstances(1, { ...ours, [TAG.nodeId]: '0000000001' });
    bed.sim.setKnobs({ faults: { serverErrorRatio: 1 } });
    await expect(bed.adapter.cleanupNode(id!)).rejects.toMatchObject({ kind: 'transient', code: 'InternalError' });
  });
});

describe('AwsAdapter leak resources', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());

  it('lists detached volumes and network interfaces, own images, snapshots and Elastic IPs tagged for the provider, and deletes each idempotently', async () => {
    bed = await startAwsTestBed();
    const build = { ...ours, [TAG.buildId]: '0000000007', [TAG.uploadId]: '0000000001' };
    const seeded = bed.sim.seed({
      instances: [{ tags: { ...ours, [TAG.nodeId]: '0000000001' } }],
      volumes: [{ tags: { ...ours, [TAG.nodeId]: '0000000002' }, createTimeAgoMs: 60_000 }, { tags: { [TAG.providerName]: 'someone-else' } }],
      images: [{ tags: build }],
      addresses: [{ tags: { ...ours, [TAG.nodeId]: '0000000003' } }, {}],
      networkInterfaces: [{ tags: { ...ours, [TAG.nodeId]: '0000000004' } }, { tags: { [TAG.providerName]: 'someone-else' } }],
    });
    const resources = await bed.adapter.listResources();
    const byType = Object.fromEntries(resources.map((resource) => [resource.type, resource]));
    // The instance's own volume and interface are attached: not listed.
    expect(resources.map((resource) => resource.type).sort()).toEqual(['image', 'nic', 'public-ip', 'snapshot', 'volume']);
    expect(byType.volume).toMatchObject({ id: seeded.volumes[0], deletionOrder: 1, createdAt: bed.clock.now() - 60_000 });
    expect(byType.image).toMatchObject({ id: seeded.images[0], tags: build, deletionOrder: 1 });
    expect(byType.snapshot).toMatchObject({ tags: build, deletionOrder: 2 });
    expect(byType['public-ip']).toMatchObject({ id: seeded.addresses[0], deletionOrder: 1 });
    expect(byType.nic).toMatchObject({ id: seeded.networkInterfaces[0], tags: { ...ours, [TAG.nodeId]: '0000000004' }, deletionOrder: 1 });

    const inOrder = [...resources].sort((a, b) => (a.deletionOrder ?? 0) - (b.deletionOrder ?? 0));
    for (const resource of inOrder) await bed.adapter.deleteResource(resource);
    for (const resource of inOrder) await bed.adapter.deleteResource(resource);
    bed.settle();
    expect(await bed.adapter.listResources()).toEqual([]);
    expect((await bed.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    expect((await bed.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots).toEqual([]);
    const interfaces = await bed.ec2.send(new DescribeNetworkInterfacesCommand({}));
    // The instance's interface and the other provider's are left.
    expect(interfaces.NetworkInterfaces?.map((networkInterface) => networkInterface.NetworkInterfaceId)).not.toContain(seeded.networkInterfaces[0]);
    expect(interfaces.NetworkInterfaces).toHaveLength(2);
  });
});
