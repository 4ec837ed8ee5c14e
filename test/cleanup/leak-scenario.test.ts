import { ManualClock, MemorySightingsStore, resourceKey, TAG } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { LEAK_CLOUDS, startProvider, useCleanupBed, type CleanupBed } from './support/cleanup-bed.js';

/** Node ids ZooKeeper handed out whose nodes are gone: a launcher crashed during a burst, its nodes were removed. */
async function goneNodeIds(b: CleanupBed, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await b.zk.createNode({ state: 'building', provider: b.provider });
    await b.zk.deleteNode(id);
    ids.push(id);
  }
  return ids;
}

describe.each(LEAK_CLOUDS)('the leak issue #16 found, on $name', ({ create }) => {
  const bed = useCleanupBed(create);

  it('deletes all 20 leaked instances within two passes plus min-age on the default settings, sparing protected, foreign and untagged ones', async () => {
    const b = bed();
    const nodepool = b.defaultsConfig();
    const { cleanup } = nodepool.cloudpool;
    expect(cleanup.maxDeleteShare).toBeUndefined();
    const ids = await goneNodeIds(b, 25);
    const leaked = await Promise.all(ids.slice(0, 20).map((id) => b.cloud.plant('instance', b.ours(id))));
    const spared = [
      ...(await Promise.all(ids.slice(20).map((id) => b.cloud.plant('instance', b.ours(id, { [TAG.protect]: 'keep' }))))),
      ...(await Promise.all(ids.slice(0, 5).map((id) => b.cloud.plant('instance', b.ours(id, { [TAG.systemId]: 'another-installation' }))))),
      await b.cloud.plant('instance', b.ours(ids[0]!, { [TAG.providerName]: 'someone-else' })),
      await b.cloud.plant('instance', {}),
    ];
    const clock = new ManualClock(Date.now());
    const provider = await startProvider(b, undefined, { clock, nodepool });
    const sightings = new MemorySightingsStore();

    const first = await provider.cleanupLeakedResources({ sightings });
    expect(first?.breakerTrip).toBeUndefined();
    expect(first?.deleted).toEqual([]);
    clock.advance(cleanup.interval * 1000);
    const second = await provider.cleanupLeakedResources({ sightings });
    expect(second?.deleted).toEqual([]);
    expect(second?.decisions.filter((d) => d.rule === 'too-young' && d.resource.type === 'instance')).toHaveLength(20);

    clock.advance(cleanup.minAge * 1000);
    const third = await provider.cleanupLeakedResources({ sightings });
    expect(third?.breakerTrip).toBeUndefined();
    expect(third?.evidence).toBeUndefined();
    expect(third?.deleted.filter((r) => r.type === 'instance').map(resourceKey).sort()).toEqual([...leaked].sort());

    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key), key).toBe(false);
    for (const key of spared) expect(present.has(key), key).toBe(true);
  });

  it('paces a leak larger than max-delete-count over passes instead of refusing it', async () => {
    const b = bed();
    const nodepool = b.config({ maxDeleteCount: 4 });
    const ids = await goneNodeIds(b, 10);
    const leaked = await Promise.all(ids.map((id) => b.cloud.plant('instance', b.ours(id))));
    const provider = await startProvider(b, undefined, { nodepool });
    const sightings = new MemorySightingsStore();
    await provider.cleanupLeakedResources({ sightings });
    // Each pass deletes at most 4 (instances first, then their parts); none refuses.
    const deletedPerPass: number[] = [];
    for (let pass = 0; pass < 12; pass++) {
      const report = await provider.cleanupLeakedResources({ sightings });
      expect(report?.breakerTrip).toBeUndefined();
      deletedPerPass.push(report?.deleted.length ?? 0);
      if (report?.deleted.length === 0 && report.paced.length === 0 && report.decisions.every((d) => d.rule !== 'leaked')) break;
    }
    expect(deletedPerPass[0]).toBe(4);
    expect(Math.max(...deletedPerPass)).toBe(4);
    expect(deletedPerPass.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key)).toBe(false);
  });
});
