import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUTE_MAX_BUFFER, maxWriteBytes, ZkClient, type ZkWatchEvent } from '../../src/zk/index.js';
import { connectClient, sharedServerConfig, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let zk: ZkClient;

beforeAll(async () => {
  zk = await connectClient(chroot);
});

afterAll(async () => {
  await zk.deleteRecursive('/');
  await zk.close();
});

/** A watcher that records its events. */
function recorder() {
  const events: ZkWatchEvent[] = [];
  return { events, watcher: (event: ZkWatchEvent) => events.push(event), fired: () => waitFor(() => events.length > 0) };
}

describe('ZkClient', () => {
  it('creates the chroot when missing and works inside it', async () => {
    const root = await ZkClient.connect({ ...sharedServerConfig(), sessionTimeoutMs: 2000 });
    try {
      expect(await root.exists(chroot)).toBeDefined();
      await zk.create('/inside', 'x');
      expect((await root.get(`${chroot}/inside`)).data.toString()).toBe('x');
    } finally {
      await root.close();
    }
    expect(zk.sessionId).toMatch(/^[0-9a-f]+$/);
    expect(zk.connectionState).toBe('connected');
  });

  it('maps failures to typed errors', async () => {
    await expect(zk.get('/missing')).rejects.toMatchObject({ name: 'ZkError', code: 'NoNode', path: '/missing' });
    await zk.create('/typed', 'a');
    await expect(zk.create('/typed', 'a')).rejects.toMatchObject({ code: 'NodeExists' });
    await expect(zk.set('/typed', 'b', 7)).rejects.toMatchObject({ code: 'BadVersion' });
    await zk.create('/typed/child', '');
    await expect(zk.delete('/typed')).rejects.toMatchObject({ code: 'NotEmpty' });
    await expect(zk.create('/no/parent', '')).rejects.toMatchObject({ code: 'NoNode' });
  });

  it('reads and writes with versions and stats', async () => {
    await zk.create('/versioned', 'one');
    const first = await zk.get('/versioned');
    expect(first.data.toString()).toBe('one');
    expect(first.stat.version).toBe(0);
    expect(first.stat.ephemeralOwner).toBe('0');
    expect(first.stat.ctime).toBeGreaterThan(Date.now() - 60_000);
    const stat = await zk.set('/versioned', 'two', 0);
    expect(stat.version).toBe(1);
    await zk.delete('/versioned', 1);
    expect(await zk.getOrUndefined('/versioned')).toBeUndefined();
    expect(await zk.exists('/versioned')).toBeUndefined();
  });

  it('creates ephemeral, sequential, container and TTL znodes', async () => {
    await zk.mkdirp('/kinds/a/b');
    const sequential = await zk.create('/kinds/seq-', '', { sequential: true });
    expect(sequential).toMatch(/^\/kinds\/seq-\d{10}$/);
    const ephemeral = await zk.create('/kinds/eph', '', { ephemeral: true });
    expect((await zk.exists(ephemeral))?.ephemeralOwner).toBe(zk.sessionId);
    await expect(zk.create('/kinds/eph/child', '')).rejects.toMatchObject({ code: 'NoChildrenForEphemerals' });
    await zk.create('/kinds/container', '', { container: true });
    await zk.create('/kinds/ttl', '', { ttlMs: 60_000 });
    expect((await zk.getChildren('/kinds')).sort()).toEqual(['a', 'container', 'eph', sequential.slice(7), 'ttl'].sort());
    await expect(zk.create('/kinds/bad', '', { ephemeral: true, ttlMs: 5 })).rejects.toThrow(TypeError);
  });

  it('deletes recursively and counts a missing tree as deleted', async () => {
    await zk.mkdirp('/tree/a/b/c');
    await zk.create('/tree/a/x', 'x');
    await zk.deleteRecursive('/tree');
    expect(await zk.exists('/tree')).toBeUndefined();
    await zk.deleteRecursive('/tree');
  });

  it('fires one-shot data, children and existence watches', async () => {
    await zk.create('/watched', 'a');
    const data = recorder();
    await zk.get('/watched', data.watcher);
    await zk.set('/watched', 'b');
    await data.fired();
    await zk.set('/watched', 'c');
    await zk.get('/watched'); // any second event would arrive before this answer
    expect(data.events).toEqual([{ type: 'changed', path: '/watched' }]);

    const children = recorder();
    expect(await zk.getChildren('/watched', children.watcher)).toEqual([]);
    await zk.create('/watched/kid', '');
    await children.fired();
    expect(children.events).toEqual([{ type: 'child', path: '/watched' }]);

    const existence = recorder();
    expect(await zk.exists('/later', existence.watcher)).toBeUndefined();
    await zk.create('/later', '');
    await existence.fired();
    expect(existence.events).toEqual([{ type: 'created', path: '/later' }]);
  });

  it('reads large znodes, several at once, on the same session (over TLS a reply is many records)', async () => {
    const large = Buffer.alloc(900 * 1024, 7);
    await zk.create('/large', large);
    const sessionId = zk.sessionId;
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(Array.from({ length: 8 }, () => zk.get('/large')));
      for (const { data } of replies) expect(data.equals(large)).toBe(true);
    }
    expect(zk.sessionId).toBe(sessionId);
  });

  it('writes data up to the jute.maxbuffer bound, and refuses one byte more without sending it (the session stays)', async () => {
    const events: string[] = [];
    for (const event of ['suspended', 'lost'] as const) zk.on(event, () => events.push(event));
    const limit = maxWriteBytes(`${chroot}/bound`);
    expect(limit).toBeGreaterThan(JUTE_MAX_BUFFER - 200);
    await zk.create('/bound', Buffer.alloc(limit, 'a'));
    await zk.set('/bound', Buffer.alloc(limit, 'b'));
    expect((await zk.get('/bound')).data.length).toBe(limit);
    await expect(zk.set('/bound', Buffer.alloc(limit + 1, 'c'))).rejects.toMatchObject({ code: 'TooLarge', operation: 'set', path: '/bound' });
    await expect(zk.create('/bound-2', Buffer.alloc(limit + 1, 'c'))).rejects.toThrow(/create \/bound-2 refused: \d+ bytes of data, more than/);
    expect((await zk.get('/bound')).data.toString('utf8', 0, 1)).toBe('b');
    expect(await zk.exists('/bound-2')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('authenticates every session with `auth` (Nodepool\'s zookeeper-auth, digest), as a digest ACL sees', async () => {
    const auth = { scheme: 'digest', credential: 'nodepool:s3cret' };
    const owner = await connectClient(chroot, { auth });
    const stranger = await connectClient(chroot);
    const sameUser = await connectClient(chroot, { auth });
    try {
      await owner.create('/guarded', 'x');
      // All rights to digest identity nodepool only (ZooKeeper's digest: user:base64(sha1(user:password))).
      const digest = `nodepool:${createHash('sha1').update(auth.credential).digest('base64')}`;
      await owner.setAcl('/guarded', [{ perms: 31, scheme: 'digest', id: digest }]);
      await expect(stranger.get('/guarded')).rejects.toMatchObject({ code: 'NoAuth', path: '/guarded' });
      expect((await sameUser.get('/guarded')).data.toString()).toBe('x');
      await sameUser.delete('/guarded');
    } finally {
      await Promise.all([owner.close(), stranger.close(), sameUser.close()]);
    }
  });

  it('gives up connecting after connectTimeoutMs', async () => {
    await expect(
      ZkClient.connect({ hosts: [{ host: '127.0.0.1', port: 1 }], connectTimeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'ConnectionLoss' });
  });

  it('throws Closed after close, and close is idempotent', async () => {
    const other = await connectClient(chroot);
    const closed = new Promise<void>((resolve) => other.once('closed', resolve));
    await other.close();
    await closed;
    await other.close();
    expect(other.connectionState).toBe('closed');
    await expect(other.get('/')).rejects.toMatchObject({ code: 'Closed' });
  });
});
