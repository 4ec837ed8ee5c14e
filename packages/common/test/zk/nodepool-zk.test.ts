import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodepoolZk,
  SYSTEM_ID_PATH,
  nodeLockPath,
  nodePath,
  requestPath,
  sortRequestsForService,
  type NodeRequestRecord,
  type ZkClient,
  type ZkWatchEvent,
} from '../../src/zk/index.js';
import { connectClient, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let zk: ZkClient;
let other: ZkClient;
let np: NodepoolZk;
let clockMs = 1_700_000_000_000;

beforeAll(async () => {
  zk = await connectClient(chroot);
  other = await connectClient(chroot);
  np = new NodepoolZk(zk, { identifier: 'launcher-1', now: () => clockMs });
});

afterAll(async () => {
  await other.close();
  await zk.deleteRecursive('/');
  await zk.close();
});

describe('nodes', () => {
  it('creates a node as a persistent sequential znode with a 10-digit id', async () => {
    const id = await np.createNode({ state: 'init', provider: 'aws-east', type: ['small'] });
    expect(id).toMatch(/^\d{10}$/);
    const node = await np.getNode(id);
    expect(node).toMatchObject({ id, state: 'init', provider: 'aws-east', type: ['small'], state_time: 1_700_000_000 });
    expect(node?.stat.ephemeralOwner).toBe('0');
    expect(await np.listNodeIds()).toContain(id);
    expect(await np.getNode('9999999999')).toBeUndefined();
  });

  it('updates with a version check, keeps unknown fields, and sets state_time only on a state change', async () => {
    const id = await np.createNode({ state: 'building' });
    // Another client (say, a newer Nodepool) adds a field this model does not know.
    const raw = JSON.parse((await other.get(nodePath(id))).data.toString());
    await other.set(nodePath(id), JSON.stringify({ ...raw, from_the_future: 42 }));

    const node = (await np.getNode(id))!;
    clockMs += 5_000;
    node.public_ipv4 = '198.51.100.7';
    await np.updateNode(node);
    expect(node.state_time).toBe(1_700_000_000);

    clockMs += 5_000;
    const ready = { ...node, state: 'ready' as const };
    await np.updateNode(ready);
    const stored = JSON.parse((await other.get(nodePath(id))).data.toString());
    expect(stored).toMatchObject({ state: 'ready', state_time: 1_700_000_010, public_ipv4: '198.51.100.7', from_the_future: 42 });

    const stale = node; // still at the version before `ready` was written
    await expect(np.updateNode(stale)).rejects.toMatchObject({ code: 'BadVersion' });
  });

  it('deletes by writing state deleted first, then the znode with its lock; gone is success', async () => {
    const id = await np.createNode({ state: 'used' });
    const locked = await np.lockNode(id, { blocking: false });
    expect(locked?.lock.isHeld).toBe(true);
    expect(locked?.node).toMatchObject({ id, state: 'used' });
    const events: ZkWatchEvent[] = [];
    await other.exists(nodePath(id), (event) => events.push(event));
    await np.deleteNode(id);
    await locked!.lock.release();
    expect(await np.getNode(id)).toBeUndefined();
    await waitFor(() => events.length > 0);
    expect(events[0]!.type).toBe('changed'); // the `deleted` state was written before the delete
    await np.deleteNode(id);
  });

  it('locks nodes without re-creating a deleted node', async () => {
    await expect(np.lockNode('0000099999', { blocking: false })).rejects.toMatchObject({ code: 'NoNode' });
    expect(await zk.exists(nodePath('0000099999'))).toBeUndefined();
  });

  it('fails a waiter for a node lock with NoNode when the holder deletes the node', async () => {
    const id = await np.createNode({ state: 'used' });
    const locked = await np.lockNode(id);
    const waiting = new NodepoolZk(other).lockNode(id).catch((error: unknown) => error);
    await waitFor(async () => (await zk.getChildren(nodeLockPath(id))).length === 2);
    await np.deleteNode(id);
    expect(await waiting).toMatchObject({ name: 'ZkError', code: 'NoNode' });
    await locked!.lock.release();
    expect(await zk.exists(nodePath(id))).toBeUndefined();
  });
});

describe('node state observer', () => {
  it('is told of every confirmed state write, with the state before it, and of nothing else', async () => {
    const seen: Array<{ id: string; previous: string | undefined; state: string; version: number }> = [];
    const observed = new NodepoolZk(zk, { now: () => clockMs, onNodeState: ({ node, previous, version }) => seen.push({ id: node.id, previous, state: node.state, version }) });
    const id = await observed.createNode({ state: 'init', provider: 'aws-east' });
    const node = (await observed.getNode(id))!;
    node.state = 'building';
    await observed.updateNode(node);
    node.comment = 'no state change';
    await observed.updateNode(node);
    const stale = { ...node, stat: { ...node.stat, version: 0 } };
    stale.state = 'ready';
    await expect(observed.updateNode(stale)).rejects.toMatchObject({ code: 'BadVersion' });
    await observed.deleteNode(id);
    expect(seen).toEqual([
      { id, previous: undefined, state: 'init', version: 0 },
      { id, previous: 'init', state: 'building', version: 1 },
      { id, previous: 'building', state: 'deleted', version: 3 },
    ]);
  });

  it('shared node locks are held together; an exclusive one waits for them', async () => {
    const id = await np.createNode({ state: 'ready', provider: 'aws-east' });
    const otherNp = new NodepoolZk(other);
    const first = await np.lockNode(id, { shared: true, blocking: false });
    const second = await otherNp.lockNode(id, { shared: true, blocking: false });
    expect(first && second).toBeTruthy();
    expect(await otherNp.lockNode(id, { blocking: false })).toBeUndefined();
    await first!.lock.release();
    await second!.lock.release();
    const exclusive = await otherNp.lockNode(id, { blocking: false });
    expect(exclusive).toBeDefined();
    expect(await np.lockNode(id, { shared: true, blocking: false })).toBeUndefined();
    await exclusive!.lock.release();
  });
});

describe('requests', () => {
  it('submits ephemeral sequential requests named <priority>-<seq> and lists them in service order', async () => {
    const low = await np.submitRequest({ node_types: ['small'], requestor: 'zuul' }, '200');
    const high = await np.submitRequest({ node_types: ['small'], relative_priority: 3 });
    const highFirst = await np.submitRequest({ node_types: ['large'], relative_priority: 1 });
    expect(low).toMatch(/^200-\d{10}$/);
    expect(high).toMatch(/^100-\d{10}$/);
    expect((await zk.exists(requestPath(high)))?.ephemeralOwner).toBe(zk.sessionId);
    expect(await np.listRequestIds()).toEqual([high, highFirst, low]);

    const records = (await Promise.all([low, high, highFirst].map((id) => np.getRequest(id)))) as NodeRequestRecord[];
    expect(sortRequestsForService(records).map((r) => r.id)).toEqual([highFirst, high, low]);
    expect(records[0]).toMatchObject({ state: 'requested', nodes: [], declined_by: [], reuse: true, requestor: 'zuul' });
    await expect(np.submitRequest({ node_types: [] }, '1')).rejects.toThrow(/three digits/);
  });

  it('updates, locks and deletes a request', async () => {
    const id = await np.submitRequest({ node_types: ['small'] });
    const lock = await np.lockRequest(id, { blocking: false });
    expect(lock).toBeDefined();
    const request = (await np.getRequest(id))!;
    clockMs += 1_000;
    request.state = 'pending';
    await np.updateRequest(request);
    expect((await np.getRequest(id))?.state_time).toBe(clockMs / 1000);
    expect(await new NodepoolZk(other).lockRequest(id, { blocking: false })).toBeUndefined();
    expect(await np.listRequestLockIds()).toContain(id);
    await expect(np.deleteRequestLock(id)).rejects.toMatchObject({ code: 'NotEmpty' });
    await lock!.release();
    await np.deleteRequest(id);
    await np.deleteRequest(id);
    await np.deleteRequestLock(id);
    expect(await np.getRequest(id)).toBeUndefined();
    expect(await np.listRequestLockIds()).not.toContain(id);
  });
});

describe('system id', () => {
  it('is created once, then stable, and a disagreeing pinned value is refused', async () => {
    const first = await np.getSystemId();
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await new NodepoolZk(other).getSystemId()).toBe(first);
    expect(await np.getSystemId(first)).toBe(first);
    await expect(np.getSystemId('another-installation')).rejects.toThrow(/differs from the one stored in ZooKeeper/);
  });

  it('stores a pinned value on a fresh ZooKeeper, also when two processes race', async () => {
    await zk.delete(SYSTEM_ID_PATH);
    const [a, b] = await Promise.all([np.getSystemId('pinned-id'), new NodepoolZk(other).getSystemId('pinned-id')]);
    expect([a, b]).toEqual(['pinned-id', 'pinned-id']);
  });
});
