import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LeakCleanupWorker,
  ManualClock,
  MemorySightingsStore,
  TAG,
  UNTRIPPED,
  formatCleanupReport,
  readOnlySightings,
  type CleanupSettings,
  type SightingsStore,
} from '@cloudpool/common';
import { FakeAdapter, FakeCloud, passthroughQueue } from '@cloudpool/common/testing';

const settings: CleanupSettings = { interval: 60, minAge: 120, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 0.5, maxDeleteCount: 50 };
const tags = (nodeId: string) => ({ [TAG.providerName]: 'fake', [TAG.systemId]: 'sys', [TAG.nodeId]: nodeId });

describe('LeakCleanupWorker', () => {
  let clock: ManualClock;
  let cloud: FakeCloud;
  let zkNodeIds: Set<string>;
  let zkFails: boolean;
  let worker: LeakCleanupWorker;

  beforeEach(() => {
    clock = new ManualClock();
    cloud = new FakeCloud({ clock });
    zkNodeIds = new Set(['0000000001']);
    zkFails = false;
    worker = makeWorker();
  });

  /** A worker on the shared fake cloud and ZooKeeper view, as a launcher (or a failover successor) makes one. */
  function makeWorker(): LeakCleanupWorker {
    return new LeakCleanupWorker(
      'fake',
      {
        adapter: new FakeAdapter(cloud, { providerName: 'fake', queue: passthroughQueue }),
        readReferences: async () => {
          if (zkFails) throw new Error('ConnectionLoss');
          return { nodeIds: new Set(zkNodeIds) };
        },
      },
      { owner: { providerName: 'fake', systemId: 'sys' }, settings, clock, logger: pino({ level: 'silent' }) },
    );
  }

  it('deletes a leaked instance and a leaked volume on the second pass only', async () => {
    const leaked = cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    const volume = cloud.plantVolume(tags('0000000003'), { ageMs: 600_000 });
    const kept = cloud.plantInstance(tags('0000000001'), { ageMs: 600_000 });
    const first = await worker.runPass();
    expect(first.deleted).toEqual([]);
    expect(cloud.instances.has(leaked.id)).toBe(true);
    clock.advance(60_000);
    const second = await worker.runPass();
    expect(second.deleted.map((r) => r.id).sort()).toEqual([leaked.id, volume.id].sort());
    expect(cloud.volumes.has(volume.id)).toBe(false);
    expect(cloud.instances.has(leaked.id)).toBe(false);
    expect(cloud.instances.get(kept.id)?.goneAt).toBeUndefined();
  });

  it('deletes nothing when the cloud listing fails, and starts the two passes again', async () => {
    const leaked = cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    await worker.runPass();
    cloud.failListsWith = 'transient';
    const failed = await worker.runPass();
    expect(failed.aborted).toMatch(/read failed/);
    expect(failed.deleted).toEqual([]);
    cloud.failListsWith = undefined;
    const after = await worker.runPass();
    expect(after.deleted.map((r) => r.id)).toEqual([leaked.id]);
  });

  it('deletes nothing when the ZooKeeper read fails', async () => {
    cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    await worker.runPass();
    zkFails = true;
    const report = await worker.runPass();
    expect(report.aborted).toMatch(/ConnectionLoss/);
    expect(cloud.calls.get('delete-instance') ?? 0).toBe(0);
  });

  it('dry run lists what it would delete and deletes nothing', async () => {
    cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    cloud.plantInstance({ ...tags('0000000002'), [TAG.systemId]: 'another-installation' }, { ageMs: 600_000 });
    await worker.runPass({ dryRun: true });
    const report = await worker.runPass({ dryRun: true });
    expect(cloud.calls.get('delete-instance') ?? 0).toBe(0);
    const table = formatCleanupReport(report);
    expect(table).toMatch(/dry run/);
    expect(table).toMatch(/instance:fake-1\s+10m\s+leaked\s+delete/);
    expect(table).toMatch(/instance:fake-2\s+10m\s+not-ours\s+spare/);
  });

  it('trips the breaker after a ZooKeeper wipe, and --force overrides it', async () => {
    for (let i = 1; i <= 6; i++) cloud.plantInstance(tags(String(i).padStart(10, '0')), { ageMs: 600_000 });
    zkNodeIds.clear();
    await worker.runPass();
    const tripped = await worker.runPass();
    expect(tripped.breakerTrip).toMatch(/6 of 6/);
    expect(cloud.calls.get('delete-instance') ?? 0).toBe(0);
    const forced = await worker.runPass({ force: true });
    expect(forced.deleted).toHaveLength(6);
  });

  it('continues from the sightings of the store a pass is given: a successor deletes on its first pass', async () => {
    const store = new MemorySightingsStore();
    const leaked = cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    const first = await worker.runPass({ sightings: store });
    expect(first.decisions.map((d) => d.rule)).toEqual(['first-sighting']);
    clock.advance(60_000);
    expect((await makeWorker().runPass()).decisions.map((d) => d.rule)).toEqual(['first-sighting']);
    const successor = await makeWorker().runPass({ sightings: store });
    expect(successor.deleted.map((r) => r.id)).toEqual([leaked.id]);
    expect((await store.load()).leakedSince.size).toBe(0);
  });

  it('stores nothing when a pass aborts, and reports a store that refuses the sightings', async () => {
    const writes: number[] = [];
    const memory = new MemorySightingsStore();
    const counting: SightingsStore = {
      load: async () => {
        const loaded = await memory.load();
        const replace = (next: ReadonlyMap<string, number>) => {
          writes.push(next.size);
          return loaded.replace(next);
        };
        return { ...loaded, replace };
      },
    };
    cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    await worker.runPass({ sightings: counting });
    zkFails = true;
    expect((await worker.runPass({ sightings: counting })).aborted).toMatch(/ConnectionLoss/);
    expect(writes).toEqual([1]);
    zkFails = false;
    const refusing: SightingsStore = { load: async () => ({ leakedSince: new Map(), breaker: UNTRIPPED, replace: () => Promise.reject(new Error('BadVersion')) }) };
    const report = await worker.runPass({ sightings: refusing });
    expect(report.sightingsNotSaved).toBe('BadVersion');
    expect(formatCleanupReport(report)).toMatch(/sightings not stored, the next pass starts from older ones: BadVersion/);
  });

  it('refuses to store sightings replaced since they were loaded; a read-only view never stores', async () => {
    const store = new MemorySightingsStore();
    const [a, b] = [await store.load(), await store.load()];
    await a.replace(new Map([['instance:x', 1]]));
    await expect(b.replace(new Map())).rejects.toThrow(/replaced by another pass/);
    await (await readOnlySightings(store).load()).replace(new Map());
    expect([...(await store.load()).leakedSince]).toEqual([['instance:x', 1]]);
  });

  it('leaves a leaked sub-resource for the next pass while its node still has an instance', async () => {
    // The fake cloud refuses to delete a volume whose instance exists, as clouds refuse a NIC or disk in use.
    const leaked = cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    cloud.deleteTimeMs = 30_000;
    const volume = cloud.plantVolume(tags('0000000002'), { ageMs: 600_000 });
    volume.attachedTo = leaked.id;
    await worker.runPass();
    clock.advance(60_000);
    const second = await worker.runPass();
    expect(second.deleted.map((r) => r.id)).toEqual([leaked.id]);
    expect(second.deferred.map((r) => r.id)).toEqual([volume.id]);
    expect(second.failed).toEqual([]);
    expect(cloud.calls.get('delete-volume') ?? 0).toBe(0);
    expect(formatCleanupReport(second)).toMatch(new RegExp(`volume:${volume.id}\\s+\\S+\\s+leaked\\s+next pass`));
    clock.advance(60_000);
    // The cloud removed the volume with its instance (as Azure's deleteOption does): nothing is left to do.
    const third = await worker.runPass();
    expect(third.decisions).toEqual([]);
    expect(cloud.volumes.has(volume.id)).toBe(false);
  });

  it('deletes a leaked sub-resource in the same pass once its instance is gone from the listing', async () => {
    const leaked = cloud.plantInstance(tags('0000000002'), { ageMs: 600_000 });
    const volume = cloud.plantVolume(tags('0000000002'), { ageMs: 600_000 });
    await worker.runPass();
    clock.advance(60_000);
    const second = await worker.runPass();
    expect(second.deleted.map((r) => r.id)).toEqual([leaked.id, volume.id]);
    expect(second.deferred).toEqual([]);
  });
});
