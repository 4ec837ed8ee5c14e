import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearBreaker, ManualClock, sightingsPath, ZkSightingsStore, type ZkClient } from '@cloudpool/common';
import { connectClient, testChroot } from '@cloudpool/common/testing';

describe('ZkSightingsStore on a real ZooKeeper', () => {
  let client: ZkClient;
  const clock = new ManualClock(1_767_225_600_000);

  beforeAll(async () => {
    client = await connectClient(testChroot());
  });
  afterAll(async () => {
    await client.deleteRecursive('/cloudpool');
    await client.close();
  });

  it('starts empty, stores JSON at /cloudpool/cleanup/<provider>, and reads it back in another store', async () => {
    const store = new ZkSightingsStore(client, 'aws-east', clock);
    const first = await store.load();
    expect(first.leakedSince.size).toBe(0);
    await first.replace(new Map([['instance:i-1', 1_767_225_540_000]]));
    const { data } = await client.get('/cloudpool/cleanup/aws-east');
    expect(JSON.parse(data.toString('utf8'))).toEqual({
      format: 1,
      provider: 'aws-east',
      savedAt: 1_767_225_600_000,
      leakedSince: { 'instance:i-1': 1_767_225_540_000 },
    });
    expect([...(await new ZkSightingsStore(client, 'aws-east', clock).load()).leakedSince]).toEqual([['instance:i-1', 1_767_225_540_000]]);
    expect((await new ZkSightingsStore(client, 'azure', clock).load()).leakedSince.size).toBe(0);
  });

  it('writes only over the version it loaded: a stale cleaner cannot overwrite its successor', async () => {
    const store = new ZkSightingsStore(client, 'versioned', clock);
    const [stale, current] = [await store.load(), await store.load()];
    await current.replace(new Map([['port:p-1', 5]]));
    await expect(stale.replace(new Map())).rejects.toThrow(/changed by another cleaner since this pass read it/);
    const next = await store.load();
    await next.replace(new Map());
    await expect(current.replace(new Map([['port:p-2', 6]]))).rejects.toThrow(/changed by another cleaner/);
    expect((await store.load()).leakedSince.size).toBe(0);
  });

  it('starts afresh from unreadable data, saying why, and replaces it', async () => {
    await client.mkdirp(sightingsPath('broken'));
    await client.set(sightingsPath('broken'), '{"format": 1, "leakedSince": {"instance:i-1": "yesterday"}}');
    const store = new ZkSightingsStore(client, 'broken', clock);
    const loaded = await store.load();
    expect(loaded.leakedSince.size).toBe(0);
    expect(loaded.discarded).toBe('/cloudpool/cleanup/broken: a sighting time is not a number');
    await loaded.replace(new Map([['instance:i-2', 7]]));
    expect((await store.load()).discarded).toBeUndefined();
  });

  it('keeps a tripped breaker beside the sightings until clearBreaker acknowledges its evidence', async () => {
    const store = new ZkSightingsStore(client, 'tripped', clock);
    const evidence = [{ kind: 'unissued-node-id' as const, subject: 'instance:i-9', detail: 'names node 0000000099' }];
    await (await store.load()).replace(new Map([['instance:i-9', 5]]), { trip: { trippedAt: 42, evidence }, acknowledged: new Set() });
    const reread = await new ZkSightingsStore(client, 'tripped', clock).load();
    expect(reread.breaker.trip).toEqual({ trippedAt: 42, evidence });
    await reread.replace(new Map([['instance:i-9', 5]]));
    expect((await store.load()).breaker.trip?.trippedAt).toBe(42);
    expect(await clearBreaker(new ZkSightingsStore(client, 'tripped', clock))).toEqual({ trippedAt: 42, evidence });
    const cleared = await store.load();
    expect(cleared.breaker.trip).toBeUndefined();
    expect([...cleared.breaker.acknowledged]).toEqual(['instance:i-9']);
    expect([...cleared.leakedSince]).toEqual([['instance:i-9', 5]]);
    expect(await clearBreaker(store)).toBeUndefined();
  });

  it('reports sightings that went back in time or vanished after this store wrote them (ZooKeeper lost writes)', async () => {
    const store = new ZkSightingsStore(client, 'rolled-back', clock);
    const before = await store.load();
    expect(before.rolledBack).toBeUndefined();
    await before.replace(new Map([['instance:i-1', 1]]));
    const { data } = await client.get(sightingsPath('rolled-back'));
    clock.advance(60_000);
    await (await store.load()).replace(new Map([['instance:i-1', 1], ['instance:i-2', 2]]));
    await client.set(sightingsPath('rolled-back'), data);
    expect((await store.load()).rolledBack).toMatch(/holds sightings of .*, older than those this process stored at/);
    await client.delete(sightingsPath('rolled-back'));
    expect((await store.load()).rolledBack).toMatch(/is gone, though this process stored sightings there/);
    expect((await new ZkSightingsStore(client, 'rolled-back', clock).load()).rolledBack).toBeUndefined();
  });

  it('refuses a provider name that is no znode name', () => {
    expect(() => new ZkSightingsStore(client, 'a/b', clock)).toThrow(/invalid provider name/);
  });
});
