import { TAG } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';

/** A node's life on each cloud, through its real driver: launched for a request, tagged, used, deleted without a trace. */
describe.each(CLOUDS)('launcher on $name: node lifecycle', ({ create }) => {
  const harness = useCloudHarness(create);

  it('fulfils a request for two labels with ready, tagged nodes and deletes them once used', async () => {
    const h = harness();
    const launcher = await h.startLauncher();
    const request = await h.zk.waitForRequest(await h.zk.request(['small', 'large']));
    expect(request.state).toBe('fulfilled');
    const nodes = await Promise.all(request.nodes.map(async (id) => (await h.zk.requester.getNode(id))!));
    expect(nodes.map((node) => node.type)).toEqual([['small'], ['large']]);
    const instances = await h.cloud.instances();
    for (const node of nodes) {
      expect(node).toMatchObject({ state: 'ready', provider: h.cloud.providerName, pool: 'main', cloud: h.cloud.nodeCloud, username: h.cloud.username });
      expect(instances.filter((instance) => instance.tags[TAG.nodeId] === node.id).map((instance) => instance.id)).toEqual([node.external_id]);
      expect(node.interface_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(node.private_ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect([node.public_ipv4, node.private_ipv4]).toContain(node.interface_ip);
    }
    const [small, large] = nodes.map((node) => node.resources!);
    expect([small!.instances, large!.instances]).toEqual([1, 1]);
    expect(large!.cores).toBeGreaterThan(small!.cores!);

    // Every resource of the cloud belongs to one of the two nodes and carries all of its tags.
    const nodeTags = (id: string) => ({ [TAG.nodeId]: id, [TAG.poolName]: 'main', [TAG.providerName]: h.cloud.providerName, [TAG.systemId]: launcher.context.systemId });
    const held = await h.cloud.resources();
    for (const node of nodes) {
      const mine = held.filter((resource) => resource.tags[TAG.nodeId] === node.id);
      expect(mine.map((resource) => resource.type).sort()).toEqual(h.cloud.nodeResourceTypes);
      for (const resource of mine) expect(resource.tags, `${resource.type} ${resource.id}`).toMatchObject(nodeTags(node.id));
    }
    expect(held.filter((resource) => !request.nodes.includes(resource.tags[TAG.nodeId] ?? ''))).toEqual([]);

    await h.release([request]);
    expect(h.deletions.map((event) => event.node).sort()).toEqual([...request.nodes].sort());
    expect(await h.cloud.resources()).toEqual([]);
  });
});
