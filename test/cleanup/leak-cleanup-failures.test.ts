import { NodepoolZk, readZooKeeperReferences, resourceKey, sightingsPath, systemClock, ZkSightingsStore, type CleanupReport, type Provider } from '@cloudpool/common';
import { connectClient } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { GONE_NODE_ID, LEAK_CLOUDS, startProvider, useCleanupBed, type CleanupBed } from './support/cleanup-bed.js';
import { failListPages } from './support/leak-cloud.js';

/** A node id ZooKeeper handed out and whose node is gone (see `CleanupBed.start`). */
const GONE = GONE_NODE_ID;

/**
 * Plants two leaked resources of each type the driver lists, so that its lists take pages (and
 * the breaker stays calm), and two image uploads that ZooKeeper does not record.
 */
async function plantLeaks(b: CleanupBed): Promise<string[]> {
  const types = b.cloud.nodeTypes.flatMap((type) => [type, type]);
  const nodes = await Promise.all(types.map((type) => b.cloud.plant(type, b.ours(GONE))));
  const uploads = await Promise.all(['0000000001', '0000000002'].map((uploadId) => b.cloud.plantUpload(b.upload('b1', uploadId))));
  return [...nodes, ...uploads.flat()];
}

/** A pass of `provider` with the sightings in ZooKeeper, as the elected cleaner runs it. */
async function pass(b: CleanupBed, provider: Provider): Promise<CleanupReport> {
  const report = await provider.cleanupLeakedResources({ sightings: new ZkSightingsStore(b.client, b.provider, systemClock) });
  if (!report) throw new Error('the provider ran no pass');
  return report;
}

describe.each(LEAK_CLOUDS)('leak cleanup on $name when a read fails', ({ create }) => {
  const bed = useCleanupBed(create);

  it('deletes nothing and keeps its sightings when pages of the cloud listing fail; the next good pass deletes', async () => {
    const b = bed();
    const leaked = await plantLeaks(b);
    const provider = await startProvider(b);
    expect((await pass(b, provider)).deleted).toEqual([]);
    const stored = await b.client.exists(sightingsPath(b.provider));

    failListPages(b.cloud, true);
    const failed = await pass(b, provider).finally(() => failListPages(b.cloud, false));
    expect(failed.aborted).toMatch(/^read failed, nothing deleted: /);
    expect(failed.deleted).toEqual([]);
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key), key).toBe(true);
    expect((await b.client.exists(sightingsPath(b.provider)))?.version).toBe(stored?.version);

    const healed = await pass(b, provider);
    expect(healed.breakerTrip).toBeUndefined();
    expect(healed.deleted.map(resourceKey)).toEqual(expect.arrayContaining(leaked));
  });

  it('deletes nothing when ZooKeeper fails after the cloud was listed', async () => {
    const b = bed();
    const leaked = await plantLeaks(b);
    const references = await connectClient(b.chroot);
    const zk = new NodepoolZk(references);
    const provider = await startProvider(b, () => readZooKeeperReferences(zk, b.provider));
    await pass(b, provider);
    const stored = await b.client.exists(sightingsPath(b.provider));

    await references.close();
    const failed = await pass(b, provider);
    expect(failed.aborted).toMatch(/^read failed, nothing deleted: .*closed/);
    expect(failed.decisions).toEqual([]);
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key), key).toBe(true);
    expect((await b.client.exists(sightingsPath(b.provider)))?.version).toBe(stored?.version);
  });
});
