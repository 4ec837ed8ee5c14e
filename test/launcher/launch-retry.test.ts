import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';
import { InstanceWatch } from './support/instance-watch.js';

/** A boot that fails in the cloud's own way is retried, and only after the failed instance is gone. */
describe.each(CLOUDS)('launcher on $name: launch retries', ({ create }) => {
  const harness = useCloudHarness(create);

  it('retries a launch whose instance failed to boot only after deleting that instance', async () => {
    const h = harness();
    await h.startLauncher();
    const watch = new InstanceWatch(h.cloud);
    const failing = h.cloud.failNextBoot();
    const id = await h.zk.request(['small']);
    await failing;
    const request = await h.zk.waitForRequest(id);
    await watch.stop();

    expect(request.state).toBe('fulfilled');
    const [nodeId] = request.nodes;
    const node = (await h.zk.requester.getNode(nodeId!))!;
    expect(h.launches.map((launch) => [launch.node, launch.result])).toEqual([[nodeId, 'ready']]);
    expect(h.nodeStates.get(nodeId!)).not.toContain('failed');
    // Two instances were made for the node, never both alive: the failed one is gone, with all it had.
    expect(h.cloud.calls(h.cloud.createAction, 'ok')).toBe(2);
    expect(watch.mostAlive.get(nodeId!)).toBe(1);
    expect((await h.cloud.instances()).map((instance) => instance.id)).toEqual([node.external_id]);
    expect((await h.resourcesOf(nodeId!)).map((resource) => resource.type).sort()).toEqual(h.cloud.nodeResourceTypes);

    await h.release([request]);
    expect(await h.cloud.resources()).toEqual([]);
  });
});
