import { CloudError, nodeTags, TAG } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, RecordingQueue, startAdapter, SYSTEM_ID, useSimulatedAzure } from '../src/testing/test-bed.js';

describe('Azure listings', () => {
  const azure = useSimulatedAzure();

  it('reads every page of 1,200 VMs (and their NICs), each page one queued call, and keeps only its own', async () => {
    azure().sim.seedVirtualMachines(
      1_200,
      { [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID, [TAG.nodeId]: '0000000001' },
      { vmSize: 'Standard_D2s_v3' },
    );
    azure().sim.seedVirtualMachines(3, { [TAG.providerName]: 'someone-else' });
    const queue = new RecordingQueue();
    const adapter = await startAdapter(azure(), { queue });

    const nodes = await adapter.listNodes();
    expect(nodes).toHaveLength(1_200);
    expect(nodes.every((node) => node.state === 'ready' && /^10\.0\./.test(node.privateIpv4 ?? ''))).toBe(true);
    expect(nodes[0]?.quota?.toJSON()).toMatchObject({ cores: 2, ram: 8192 });
    // 1,203 VMs and NICs at most 1,000 per page: two pages each.
    expect(azure().calls('virtualMachines.list')).toBe(2);
    expect(azure().calls('networkInterfaces.list')).toBe(2);
    expect(queue.count('virtualMachines.list')).toBe(2);
    expect(queue.count('networkInterfaces.list')).toBe(2);

    await adapter.listNodes();
    expect(azure().calls('virtualMachines.list')).toBe(2);
  });

  it('maps a throttled answer to a throttled CloudError carrying Retry-After', async () => {
    azure().sim.setKnobs({ rateLimits: { 'virtualMachines.list': { perSecond: 0.5, burst: 0 }, 'virtualMachines.createOrUpdate': { perSecond: 0.25, burst: 0 } } });
    const adapter = await startAdapter(azure());
    const listing = adapter.listNodes();
    await expect(listing).rejects.toBeInstanceOf(CloudError);
    await expect(listing).rejects.toMatchObject({ kind: 'throttled', retryAfterMs: 2_000, action: 'virtualMachines.list' });

    const nodeId = '0000000777';
    const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
    const create = adapter.createResource({ nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { onExternalId: () => undefined, signal: new AbortController().signal });
    await expect(create).rejects.toMatchObject({ kind: 'throttled', retryAfterMs: 4_000, code: 'TooManyRequests' });
  });

  it('lists NICs, public IPs, disks and images with a provider tag for leak cleanup, in deletion order after VMs', async () => {
    const ours = { [TAG.providerName]: PROVIDER, [TAG.nodeId]: '0000000002' };
    azure().sim.seed({
      networkInterfaces: [{ name: 'np0000000002-nic', tags: ours }, { name: 'untagged-nic' }],
      publicIPAddresses: [{ name: 'np0000000002-pip-IPv4', tags: ours }],
      disks: [{ name: 'np0000000002-os', tags: ours }],
      images: [{ name: 'ubuntu-build-7', tags: { [TAG.providerName]: PROVIDER, [TAG.uploadId]: '0000000007' } }],
    });
    const adapter = await startAdapter(azure());
    const resources = await adapter.listResources();
    const order = Object.fromEntries(resources.map((r) => [r.type, r.deletionOrder]));
    expect(order).toEqual({ nic: 1, 'public-ip': 2, disk: 2, image: 2 });
    expect(resources.every((r) => r.createdAt !== undefined && r.tags[TAG.providerName] === PROVIDER)).toBe(true);

    for (const resource of resources) {
      await adapter.deleteResource(resource);
      await adapter.deleteResource(resource);
    }
    expect(await adapter.listResources()).toEqual([]);
    expect(azure().sim.resources()).toMatchObject({ networkInterfaces: 1 });
  });
});
