import { clearBreaker, NODE_STATES, resourceKey, systemClock, TAG, ZkSightingsStore } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { GONE_NODE_ID, LEAK_CLOUDS, rulesOf, useCleanupBed } from './support/cleanup-bed.js';

/** A node id ZooKeeper handed out and whose node is gone (see `CleanupBed.start`). */
const GONE = GONE_NODE_ID;

/** Every state a node record can be in while it exists. */
const LIVE_STATES = NODE_STATES.filter((state) => state !== 'deleted');

describe.each(LEAK_CLOUDS)('leak cleanup on $name, through its driver, with cloudpool cleanup --once', ({ create }) => {
  const bed = useCleanupBed(create);

  it('deletes a leaked instance and each leaked sub-resource type on the second run, not the first', async () => {
    const b = bed();
    const live = await b.zk.createNode({ state: 'in-use', provider: b.provider });
    const leaked = await Promise.all(b.cloud.nodeTypes.map((type) => b.cloud.plant(type, b.ours(GONE))));
    const kept = await b.cloud.plant('instance', b.ours(live));

    const first = await b.once();
    expect(first.attention).toEqual([]);
    const firstRules = rulesOf(first.report);
    for (const key of leaked) expect(firstRules[key], key).toBe('first-sighting');
    expect(firstRules[kept]).toBe('in-use');
    expect(first.report?.deleted).toEqual([]);
    const afterFirst = await b.cloud.present();
    for (const key of [...leaked, kept]) expect(afterFirst.has(key), key).toBe(true);

    const second = await b.once();
    expect(second.attention).toEqual([]);
    const secondRules = rulesOf(second.report);
    for (const key of leaked) expect(secondRules[key], key).toBe('leaked');
    expect(second.report?.deleted.map(resourceKey)).toEqual(expect.arrayContaining(leaked));
    const afterSecond = await b.cloud.present();
    for (const key of leaked) expect(afterSecond.has(key), key).toBe(false);
    expect(afterSecond.has(kept)).toBe(true);
  });

  it("spares another provider's, another installation's, untagged and protected resources and image uploads", async () => {
    const b = bed();
    const [instance, subResource] = b.cloud.nodeTypes as [string, string];
    const control = await b.cloud.plant(instance, b.ours(GONE));
    const spared: Record<string, string> = {};
    for (const type of [instance, subResource]) {
      spared[`${type} of another provider`] = await b.cloud.plant(type, b.ours(GONE, { [TAG.providerName]: 'someone-else' }));
      spared[`${type} of another installation`] = await b.cloud.plant(type, b.ours(GONE, { [TAG.systemId]: 'another-installation' }));
      spared[`untagged ${type}`] = await b.cloud.plant(type, {});
      spared[`protected ${type}`] = await b.cloud.plant(type, b.ours(GONE, { [TAG.protect]: 'keep' }));
    }
    // Uploads whose ids ZooKeeper does not record: leaked, were they ours.
    for (const key of await b.cloud.plantUpload(b.upload('b9', '0000000001', { [TAG.providerName]: 'someone-else' }))) spared[`${key} of another provider`] = key;
    for (const key of await b.cloud.plantUpload(b.upload('b9', '0000000001', { [TAG.systemId]: 'another-installation' }))) spared[`${key} of another installation`] = key;
    for (const key of await b.cloud.plantUpload(b.upload('b9', '0000000001', { [TAG.protect]: 'keep' }))) spared[`protected ${key}`] = key;

    await b.once();
    const second = await b.once();
    expect(second.report?.deleted.map(resourceKey)).toContain(control);
    const rules = rulesOf(second.report);
    const present = await b.cloud.present();
    for (const [what, key] of Object.entries(spared)) {
      expect(present.has(key), what).toBe(true);
      // Listed or not (some clouds filter by tag before cleanup sees it), never leaked.
      const expected = what.startsWith('protected') ? ['protected'] : ['not-ours', undefined];
      expect(expected, `${what}: ${rules[key]}`).toContain(rules[key]);
    }
  });

  it('deletes a leaked image upload on the second run, and spares the uploads ZooKeeper records for this provider', async () => {
    const b = bed();
    await b.recordUpload('b1', '0000000001');
    await b.recordUpload('b2', '0000000001', { image: 'debian' });
    // Another provider's upload record says nothing of ours with the same ids.
    await b.recordUpload('b3', '0000000001', { provider: 'someone-else' });
    const recorded = [...(await b.cloud.plantUpload(b.upload('b1', '0000000001'))), ...(await b.cloud.plantUpload(b.upload('b2', '0000000001')))];
    const leaked = [
      // The upload id is recorded, but in another build.
      ...(await b.cloud.plantUpload(b.upload('b2', '0000000002'))),
      ...(await b.cloud.plantUpload(b.upload('b4', '0000000001'))),
      ...(await b.cloud.plantUpload(b.upload('b3', '0000000001'))),
    ];
    expect(leaked.length).toBeGreaterThanOrEqual(3);

    const first = await b.once();
    expect(first.attention).toEqual([]);
    const firstRules = rulesOf(first.report);
    for (const key of recorded) expect(firstRules[key], key).toBe('in-use');
    for (const key of leaked) expect(firstRules[key], key).toBe('first-sighting');
    expect(first.report?.deleted).toEqual([]);

    const second = await b.once();
    expect(second.attention).toEqual([]);
    const secondRules = rulesOf(second.report);
    for (const key of recorded) expect(secondRules[key], key).toBe('in-use');
    for (const key of leaked) expect(secondRules[key], key).toBe('leaked');
    expect(second.report?.deleted.map(resourceKey).sort()).toEqual([...leaked].sort());
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key), key).toBe(false);
    for (const key of recorded) expect(present.has(key), key).toBe(true);
  });

  it('spares leaked resources younger than min-age', async () => {
    const b = bed();
    const young = await Promise.all(b.cloud.nodeTypes.map((type) => b.cloud.plant(type, b.ours(GONE))));
    await b.once({ settings: { minAge: 3600 } });
    const second = await b.once({ settings: { minAge: 3600 } });
    const rules = rulesOf(second.report);
    const present = await b.cloud.present();
    for (const key of young) {
      expect(rules[key], key).toBe('too-young');
      expect(present.has(key), key).toBe(true);
    }
  });

  it('keeps the instance of a node in every ZooKeeper state', async () => {
    const b = bed();
    const byState: Record<string, string> = {};
    for (const state of LIVE_STATES) {
      const id = await b.zk.createNode({ state, provider: b.provider });
      byState[state] = await b.cloud.plant('instance', b.ours(id));
    }
    const control = await b.cloud.plant('instance', b.ours(GONE));
    await b.once();
    const second = await b.once();
    expect(second.report?.deleted.map(resourceKey)).toContain(control);
    for (const resource of second.report?.deleted ?? []) expect(resource.tags[TAG.nodeId]).toBe(GONE);
    const rules = rulesOf(second.report);
    const present = await b.cloud.present();
    for (const [state, key] of Object.entries(byState)) {
      expect(rules[key], state).toBe('in-use');
      expect(present.has(key), state).toBe(true);
    }
  });

  it('trips the breaker on evidence when ZooKeeper lost every node; --force does not override it, an operator clears it', async () => {
    const b = bed();
    const instances: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await b.zk.createNode({ state: 'ready', provider: b.provider });
      instances.push(await b.cloud.plant('instance', b.ours(id)));
    }
    const first = rulesOf((await b.once()).report);
    expect(instances.map((key) => first[key])).toEqual(instances.map(() => 'in-use'));
    await b.client.deleteRecursive('/nodepool/nodes');
    await b.once();
    const tripped = await b.once({ force: true });
    expect(tripped.report?.breakerTrip).toMatch(/evidence that ZooKeeper lost or rolled back data \(unissued-node-id\)/);
    expect(tripped.report?.evidence?.map((e) => e.subject).sort()).toEqual([...instances].sort());
    expect(tripped.attention).toEqual([`${b.provider}: breaker tripped`]);
    expect(tripped.report?.deleted).toEqual([]);
    const present = await b.cloud.present();
    for (const key of instances) expect(present.has(key)).toBe(true);

    const cleared = await clearBreaker(new ZkSightingsStore(b.client, b.provider, systemClock));
    expect(cleared?.evidence).toHaveLength(4);
    const after = await b.once();
    expect(after.attention).toEqual([]);
    expect(after.report?.deleted.map(resourceKey)).toEqual(expect.arrayContaining(instances));
    const gone = await b.cloud.present();
    for (const key of instances) expect(gone.has(key)).toBe(false);
  });

  it('deletes nothing on a dry run, yet counts it as a pass: the next real run deletes', async () => {
    const b = bed();
    const leaked = await b.cloud.plant('instance', b.ours(GONE));
    await b.once({ dryRun: true });
    const dry = await b.once({ dryRun: true });
    expect(dry.report).toMatchObject({ dryRun: true, deleted: [] });
    expect(rulesOf(dry.report)[leaked]).toBe('leaked');
    expect((await b.cloud.present()).has(leaked)).toBe(true);
    const real = await b.once();
    expect(real.report?.deleted.map(resourceKey)).toContain(leaked);
  });
});
