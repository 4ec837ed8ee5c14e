import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodepoolZk, type ZkClient } from '../../src/zk/index.js';
import { connectClient, testChroot } from './helpers.js';

const chroot = testChroot();
let holderClient: ZkClient;
let lookerClient: ZkClient;

beforeAll(async () => {
  [holderClient, lookerClient] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
});

afterAll(async () => {
  await holderClient.close();
  await lookerClient.deleteRecursive('/');
  await lookerClient.close();
});

describe('isNodeLocked', () => {
  it("sees another client's node lock, and its release, without writing", async () => {
    const holder = new NodepoolZk(holderClient, { identifier: 'holder' });
    const looker = new NodepoolZk(lookerClient, { identifier: 'looker' });
    const id = await holder.createNode({ state: 'building', provider: 'p1' });
    expect(await looker.isNodeLocked(id)).toBe(false);
    const locked = await holder.lockNode(id);
    const stats = lookerClient.enableStats();
    const writes = stats.writes;
    expect(await looker.isNodeLocked(id)).toBe(true);
    expect(stats.writes).toBe(writes);
    await locked!.lock.release();
    expect(await looker.isNodeLocked(id)).toBe(false);
  });

  it('answers for a lock it holds itself without a read, and reads again once it is released', async () => {
    const zk = new NodepoolZk(holderClient, { identifier: 'holder' });
    const id = await zk.createNode({ state: 'building', provider: 'p1' });
    const locked = await zk.lockNode(id);
    const stats = holderClient.enableStats();
    const reads = stats.reads;
    expect(await zk.isNodeLocked(id)).toBe(true);
    expect(stats.reads).toBe(reads);
    await locked!.lock.release();
    expect(await zk.isNodeLocked(id)).toBe(false);
    expect(stats.reads).toBe(reads + 1);
  });

  it('answers false for a node that does not exist', async () => {
    expect(await new NodepoolZk(lookerClient).isNodeLocked('0009999999')).toBe(false);
  });
});
