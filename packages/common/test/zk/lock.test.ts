import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ZkLock, type ZkClient } from '../../src/zk/index.js';
import { connectClient, sharedServerTls, startScript, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let a: ZkClient;
let b: ZkClient;

beforeAll(async () => {
  [a, b] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
});

afterAll(async () => {
  await b.close();
  await a.deleteRecursive('/');
  await a.close();
});

/** kazoo's contender names: uuid4().hex, the marker, a 10-digit sequence. */
const EXCLUSIVE_NAME = /^[0-9a-f]{32}__lock__\d{10}$/;
const SHARED_NAME = /^[0-9a-f]{32}__rlock__\d{10}$/;

describe('exclusive lock', () => {
  it('is held by one contender at a time; a non-blocking attempt fails and leaves no znode', async () => {
    const first = new ZkLock(a, '/locks/one', { identifier: 'first' });
    const second = new ZkLock(b, '/locks/one', { identifier: 'second' });
    expect(await first.acquire({ blocking: false })).toBe(true);
    expect(first.isHeld).toBe(true);
    const children = await a.getChildren('/locks/one');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(EXCLUSIVE_NAME);
    expect((await a.get(`/locks/one/${children[0]}`)).data.toString()).toBe('first');

    expect(await second.acquire({ blocking: false })).toBe(false);
    expect(second.isHeld).toBe(false);
    expect(await a.getChildren('/locks/one')).toEqual(children);

    await first.release();
    await first.release();
    expect(first.isHeld).toBe(false);
    expect(await second.acquire({ blocking: false })).toBe(true);
    await second.release();
  });

  it('waits for the holder, gives up after timeoutMs, and lists contenders in order', async () => {
    const holder = new ZkLock(a, '/locks/two', { identifier: 'holder' });
    await holder.acquire();
    const impatient = new ZkLock(b, '/locks/two', { identifier: 'impatient' });
    const started = Date.now();
    expect(await impatient.acquire({ timeoutMs: 300 })).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await holder.contenders()).toEqual(['holder']);

    const waiter = new ZkLock(b, '/locks/two', { identifier: 'waiter' });
    const later = new ZkLock(b, '/locks/two', { identifier: 'later' });
    const waiting = waiter.acquire();
    await waitFor(async () => (await holder.contenders()).length === 2);
    const waitingLater = later.acquire();
    await waitFor(async () => (await holder.contenders()).length === 3);
    expect(await later.contenders()).toEqual(['holder', 'waiter', 'later']);

    await holder.release();
    expect(await waiting).toBe(true);
    expect(later.isHeld).toBe(false);
    await waiter.release();
    expect(await waitingLater).toBe(true);
    await later.release();
  });

  it('stops waiting when its signal aborts, removing its contender', async () => {
    const holder = new ZkLock(a, '/locks/three');
    await holder.acquire();
    const controller = new AbortController();
    const waiting = new ZkLock(b, '/locks/three').acquire({ signal: controller.signal });
    await waitFor(async () => (await a.getChildren('/locks/three')).length === 2);
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    expect(await a.getChildren('/locks/three')).toHaveLength(1);
    await holder.release();
  });
});

describe('shared lock', () => {
  it('is held by several readers at once, excludes writers, and queues behind an earlier writer', async () => {
    const reader1 = new ZkLock(a, '/locks/rw', { shared: true, identifier: 'r1' });
    const reader2 = new ZkLock(b, '/locks/rw', { shared: true, identifier: 'r2' });
    expect(await reader1.acquire({ blocking: false })).toBe(true);
    expect(await reader2.acquire({ blocking: false })).toBe(true);
    for (const child of await a.getChildren('/locks/rw')) expect(child).toMatch(SHARED_NAME);

    const writer = new ZkLock(a, '/locks/rw', { identifier: 'w' });
    expect(await writer.acquire({ blocking: false })).toBe(false);
    const writing = writer.acquire();
    await waitFor(async () => (await a.getChildren('/locks/rw')).length === 3);
    const reader3 = new ZkLock(b, '/locks/rw', { shared: true, identifier: 'r3' });
    expect(await reader3.acquire({ blocking: false })).toBe(false); // a writer is ahead of it

    await reader1.release();
    await reader2.release();
    expect(await writing).toBe(true);
    await writer.release();
    expect(await reader3.acquire({ blocking: false })).toBe(true);
    await reader3.release();
  });
});

describe('lock contended by two OS processes', () => {
  /** Starts a child process holding `lockPath`; resolves once it reports `acquired`. */
  async function startHolder(lockPath: string) {
    const tls = sharedServerTls();
    const args = [inject('zookeeperConnectString'), chroot, lockPath, 'child-process', ...(tls ? [JSON.stringify(tls)] : [])];
    const holder = startScript(new URL('./lock-holder-child.ts', import.meta.url), args);
    expect(await holder.nextLine()).toBe('acquired');
    return holder;
  }

  it('is not acquired by the parent until the child releases it', async () => {
    const { child, nextLine, send } = await startHolder('/locks/process');
    try {
      const parentLock = new ZkLock(a, '/locks/process', { identifier: 'parent' });
      expect(await parentLock.acquire({ blocking: false })).toBe(false);
      expect(await parentLock.contenders()).toEqual(['child-process']);
      expect(await parentLock.acquire({ timeoutMs: 200 })).toBe(false);

      const acquiring = parentLock.acquire();
      send('release');
      expect(await nextLine()).toBe('released');
      expect(await acquiring).toBe(true);
      expect(await parentLock.contenders()).toEqual(['parent']);
      await parentLock.release();
      send('exit');
    } finally {
      child.kill();
    }
  });

  it('is acquired by the parent once a killed child session expires', async () => {
    const { child } = await startHolder('/locks/killed');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const parentLock = new ZkLock(a, '/locks/killed', { identifier: 'parent' });
    expect(await parentLock.acquire({ blocking: false })).toBe(false); // the dead session still holds it
    expect(await parentLock.acquire({ timeoutMs: 8000 })).toBe(true);
    await parentLock.release();
  });
});
