import { listComponents, type PoolComponentContent } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

function config(pool: string, extra = '', top = ''): string {
  return `labels:
  - name: small
  - name: large
  - name: gpu
${top}providers:
${fakeProvider('fake-a', `      - name: main\n${pool}        labels:\n${label('small', 2, 2048)}${label('large', 8, 16384)}`, extra)}`;
}

describe('launcher: quota', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  const poolPaused = async () => {
    const pools = await listComponents(h.launchers[0]!.context.client, 'pool');
    return (pools[0]?.content as PoolComponentContent | undefined)?.paused === true;
  };

  it('pauses when over max-servers, still declines what it must, and fulfils the waiting request once a node is gone', async () => {
    await h.startLauncher(config('        max-servers: 1\n'));
    const first = await h.waitForRequest(await h.request(['small']));
    expect(first.state).toBe('fulfilled');
    const second = await h.request(['small']);
    await waitFor(poolPaused);
    const unservable = await h.waitForRequest(await h.request(['gpu']));
    expect(unservable.state).toBe('failed');
    expect((await h.requester.getRequest(second))!.state).toBe('requested');
    await h.markUsed(first.nodes[0]!);
    const fulfilled = await h.waitForRequest(second);
    expect(fulfilled.state).toBe('fulfilled');
    await waitFor(async () => !(await poolPaused()));
  });

  it('declines a request larger than the pool could ever hold', async () => {
    await h.startLauncher(config('        max-servers: 2\n        max-cores: 10\n'));
    const tooMany = await h.waitForRequest(await h.request(['small', 'small', 'small']));
    expect(tooMany.state).toBe('failed');
    const tooBig = await h.waitForRequest(await h.request(['large', 'large']));
    expect(tooBig).toMatchObject({ state: 'failed', declined_by: ['fake-a-main'] });
  });

  it('limits by pool cores and RAM', async () => {
    await h.startLauncher(config('        max-cores: 10\n        max-ram: 20000\n'));
    const first = await h.waitForRequest(await h.request(['large']));
    expect(first.state).toBe('fulfilled');
    const waiting = await h.request(['small', 'small']);
    await waitFor(poolPaused);
    expect((await h.requester.getRequest(waiting))!.state).toBe('requested');
    await h.markUsed(first.nodes[0]!);
    expect((await h.waitForRequest(waiting)).state).toBe('fulfilled');
  });

  it('limits by the cloud quota, counting instances the cloud holds that have no node', async () => {
    await h.startLauncher(config('        max-servers: 10\n', '    cloud-limits:\n      cores: 6\n'));
    h.driver.cloud('fake-a').plantInstance({ nodepool_provider_name: 'fake-a', nodepool_node_id: '9999999999' });
    const first = await h.waitForRequest(await h.request(['small', 'small']));
    expect(first.state).toBe('fulfilled');
    const waiting = await h.request(['small']);
    await waitFor(poolPaused);
    const never = await h.waitForRequest(await h.request(['large']));
    expect(never.state).toBe('failed');
    await h.markUsed(first.nodes[0]!);
    expect((await h.waitForRequest(waiting)).state).toBe('fulfilled');
  });

  it('limits by tenant across the tenant’s nodes, deferring only that tenant: the pool keeps serving others', async () => {
    const tenants = 'tenant-resource-limits:\n  - tenant-name: tenant-a\n    max-servers: 1\n';
    await h.startLauncher(config('        max-servers: 10\n', '', tenants));
    const first = await h.waitForRequest(await h.request(['small'], { tenant_name: 'tenant-a' }));
    expect(first.state).toBe('fulfilled');
    const waiting = await h.request(['small'], { tenant_name: 'tenant-a' });
    // Submitted after tenant-a's waiting request, so served after it in Nodepool's order.
    const otherTenant = await h.waitForRequest(await h.request(['small'], { tenant_name: 'tenant-b' }));
    expect(otherTenant.state).toBe('fulfilled');
    expect(await poolPaused()).toBe(false);
    expect((await h.requester.getRequest(waiting))!.state).toBe('requested');
    const never = await h.waitForRequest(await h.request(['small', 'small'], { tenant_name: 'tenant-a' }));
    expect(never.state).toBe('failed');
    await h.markUsed(first.nodes[0]!);
    expect((await h.waitForRequest(waiting)).state).toBe('fulfilled');
  });

  it('marks a node aborted on a cloud quota error and fulfils the request once quota allows', async () => {
    await h.startLauncher(config('        max-servers: 10\n'));
    const cloud = h.driver.cloud('fake-a');
    cloud.failNextCreates.push('quota');
    const id = await h.request(['small']);
    const request = await h.waitForRequest(id);
    expect(request.state).toBe('fulfilled');
    expect(request.declined_by).toEqual([]);
    expect(cloud.calls.get('create')).toBe(2);
  });

  it('declines a min-ready request at capacity instead of pausing', async () => {
    await h.startLauncher(config('        max-servers: 1\n'));
    const first = await h.waitForRequest(await h.request(['small']));
    expect(first.state).toBe('fulfilled');
    const minReady = await h.waitForRequest(await h.request(['small'], { requestor: 'NodePool:min-ready' }, '900'));
    expect(minReady.state).toBe('failed');
    expect(await poolPaused()).toBe(false);
  });
});
