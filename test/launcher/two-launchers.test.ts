import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';

/** Two launchers on the same provider share the work without doing any of it twice. */
const REQUESTS = 10;

describe.each(CLOUDS)('launcher on $name: two launchers', ({ create }) => {
  const harness = useCloudHarness(create);

  it('fulfils each request once, allocates no node twice and deletes every node once', async () => {
    const h = harness();
    await h.startLauncher({ maxServers: 20 }, 'launcher-1');
    await h.startLauncher({ maxServers: 20 }, 'launcher-2');
    const ids = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => h.zk.request(i % 2 === 0 ? ['small'] : ['small', 'large'])));
    const requests = await Promise.all(ids.map((id) => h.zk.waitForRequest(id, ['fulfilled', 'failed'], 30_000)));
    expect(requests.map((request) => request.state)).toEqual(ids.map(() => 'fulfilled'));

    // Fulfilled by one launcher each (a launcher reports it after writing the request), with
    // nodes of their own, each made by one create.
    const fulfilments = () => h.requests.filter((event) => event.outcome === 'fulfilled').map((event) => event.request);
    await waitFor(() => fulfilments().length >= REQUESTS);
    expect(fulfilments().sort()).toEqual([...ids].sort());
    const allocated = requests.flatMap((request) => request.nodes);
    expect(allocated).toHaveLength(REQUESTS * 1.5);
    expect(new Set(allocated).size).toBe(allocated.length);
    for (const node of await h.zk.nodes()) expect(node.allocated_to).toBe(requests.find((request) => request.nodes.includes(node.id))?.id);
    expect(h.cloud.calls(h.cloud.createAction)).toBe(allocated.length);
    expect((await h.cloud.instances()).length).toBe(allocated.length);

    await h.release(requests);
    expect(h.deletions.map((event) => event.node).sort()).toEqual([...allocated].sort());
    expect(await h.cloud.resources()).toEqual([]);
  });
});
