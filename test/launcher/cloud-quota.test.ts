import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';

/** The cloud's own quota (the simulator's quota knob): wait, decline, and a quota error at create that is not a launch failure. */
describe.each(CLOUDS)('launcher on $name: cloud quota', ({ create }) => {
  const harness = useCloudHarness(create);

  it('waits (pool paused) for a request that does not fit now, and declines one that never fits', async () => {
    const h = harness();
    // 6 vCPUs: exactly one small (2) and one large (4) node.
    h.cloud.setQuotas({ cores: 6 });
    await h.startLauncher();
    const first = await h.zk.waitForRequest(await h.zk.request(['small', 'large']));
    expect(first.state).toBe('fulfilled');

    const waiting = await h.zk.request(['small']);
    await waitFor(() => h.poolPaused());
    const never = await h.zk.waitForRequest(await h.zk.request(['large', 'large']));
    expect(never).toMatchObject({ state: 'failed', declined_by: [h.poolId] });
    expect((await h.zk.requester.getRequest(waiting))!.state).toBe('requested');
    expect(h.launches.map((launch) => launch.result)).toEqual(['ready', 'ready']);

    await h.release([first]);
    const fulfilled = await h.zk.waitForRequest(waiting);
    expect(fulfilled).toMatchObject({ state: 'fulfilled', declined_by: [] });
    await waitFor(async () => !(await h.poolPaused()));
    expect(h.cloud.calls(h.cloud.createAction)).toBe(3);
  });

  it('marks a node aborted on a cloud quota error at create, uses no launch retry, and fulfils the request later', async () => {
    const h = harness();
    // One attempt only: were the quota error a launch failure, the request would fail.
    await h.startLauncher({ launchRetries: 1 });
    const first = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(first.state).toBe('fulfilled');
    // The launcher read the cloud's limits (none) and keeps them: the cloud now allows less.
    h.cloud.setQuotas({ cores: 2 });

    const id = await h.zk.request(['small']);
    await waitFor(() => h.launches.some((launch) => launch.result === 'aborted'));
    await waitFor(() => h.poolPaused());
    const waiting = (await h.zk.requester.getRequest(id))!;
    expect(waiting).toMatchObject({ state: 'requested', declined_by: [] });
    const aborted = h.launches.find((launch) => launch.result === 'aborted')!;
    await waitFor(() => h.deletions.some((deletion) => deletion.node === aborted.node));
    expect(h.nodeStates.get(aborted.node)).toContain('aborted');
    expect(h.nodeStates.get(aborted.node)).not.toContain('failed');
    expect(await h.resourcesOf(aborted.node)).toEqual([]);

    await h.release([first]);
    const fulfilled = await h.zk.waitForRequest(id);
    expect(fulfilled).toMatchObject({ state: 'fulfilled', declined_by: [] });
    expect(fulfilled.nodes).not.toContain(aborted.node);
    expect(h.launches.map((launch) => launch.result)).toEqual(['ready', 'aborted', 'ready']);
    expect([h.cloud.calls(h.cloud.createAction, 'ok'), h.cloud.calls(h.cloud.createAction, 'client-error')]).toEqual([2, 1]);
  });
});
