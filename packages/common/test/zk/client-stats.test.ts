import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZkClient } from '../../src/zk/index.js';
import { connectClient, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let zk: ZkClient;

beforeAll(async () => {
  zk = await connectClient(chroot);
});

afterAll(async () => {
  await zk.deleteRecursive('/');
  await zk.close();
});

describe('ZkClient stats', () => {
  it('counts nothing until enabled', async () => {
    expect(zk.stats).toBeUndefined();
    await zk.create('/before', 'x');
    expect(zk.stats).toBeUndefined();
  });

  it('counts reads, writes, watches set and watch events once enabled', async () => {
    const stats = zk.enableStats();
    expect(zk.enableStats()).toBe(stats);
    expect(zk.stats).toBe(stats);
    expect(stats).toEqual({ reads: 0, writes: 0, watchesSet: 0, watchEvents: 0, byOperation: {} });

    await zk.create('/counted', 'a');
    await zk.get('/counted');
    await zk.exists('/counted');
    await zk.getChildren('/');
    expect(stats).toMatchObject({ reads: 3, writes: 1, watchesSet: 0, watchEvents: 0 });

    let fired = 0;
    await zk.get('/counted', () => fired++);
    await zk.getChildren('/counted', () => fired++);
    expect(stats).toMatchObject({ reads: 5, watchesSet: 2, watchEvents: 0 });

    await zk.set('/counted', 'b');
    await waitFor(() => fired === 1);
    expect(stats.watchEvents).toBe(1);
    await zk.create('/counted/child', '');
    await waitFor(() => fired === 2);
    expect(stats).toMatchObject({ writes: 3, watchEvents: 2 });

    // A failed operation was still sent, so it counts.
    await expect(zk.delete('/counted')).rejects.toMatchObject({ code: 'NotEmpty' });
    expect(stats).toMatchObject({ reads: 5, writes: 4, watchesSet: 2, watchEvents: 2 });
    expect(stats.byOperation).toEqual({ create: 2, get: 2, exists: 1, getChildren: 2, set: 1, delete: 1 });
  });
});
