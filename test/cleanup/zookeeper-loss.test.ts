import { NodepoolZk, nodeNonce, TAG, type CleanupReport, type LaunchResult, type Provider, type StateMachineProvider } from '@cloudpool/common';
import { connectClient, testChroot } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { LEAK_CLOUDS, startProvider, SYSTEM_ID, useCleanupBed, type CleanupBed } from './support/cleanup-bed.js';

interface LaunchedNode {
  nodeId: string;
  externalId: string;
}

/**
 * Launches the records `ids` through the provider as a pool worker does (with each record's
 * nonce) and resolves the instances made; every launch must end ready.
 */
async function launch(zk: NodepoolZk, provider: Provider, ids: readonly string[]): Promise<LaunchedNode[]> {
  const pool = provider.config.pools.get('main')!;
  const label = pool.labels.get('small')!;
  const handler = provider.getRequestHandler(pool, `100-${ids[0]}`);
  for (const id of ids) handler.launch(id, label, { externalId: () => undefined }, nodeNonce((await zk.getNode(id))!));
  const ticking = setInterval(() => (provider as StateMachineProvider).tick(), 20);
  let results: LaunchResult[];
  try {
    results = await handler.whenComplete();
  } finally {
    clearInterval(ticking);
  }
  return results.map((result) => {
    if (result.status !== 'ready') throw new Error(`launch of ${result.nodeId} ended ${result.status}: ${result.reason}`);
    return { nodeId: result.nodeId, externalId: result.instance.externalId };
  });
}

/** Creates `count` node records in use on `zk` (Zuul holds them) and resolves their ids. */
async function nodesInUse(zk: NodepoolZk, provider: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await zk.createNode({ state: 'in-use', provider, pool: 'main', type: ['small'] }));
  return ids;
}

/** Three cleanup runs (min-age 0: the second may delete); resolves the last report. */
async function cleanTwice(b: CleanupBed, zk = b.zk): Promise<CleanupReport | undefined> {
  let report: CleanupReport | undefined;
  for (let i = 0; i < 3; i++) report = (await b.once({ zk })).report;
  return report;
}

async function expectAllPresent(b: CleanupBed, nodes: readonly LaunchedNode[]): Promise<void> {
  const present = await b.cloud.present();
  for (const { externalId } of nodes) expect(present.has(`instance:${externalId}`), externalId).toBe(true);
}

function evidenceKinds(report: CleanupReport | undefined): string[] {
  return [...new Set((report?.evidence ?? []).map((e) => e.kind))].sort();
}

describe.each(LEAK_CLOUDS)('ZooKeeper data loss on $name', ({ name, create }) => {
  const bed = useCleanupBed(create);

  it('wiped with the system id pinned: reused node ids get new instances, and cleanup deletes nothing, also once new work outnumbers the old', async () => {
    const b = bed();
    const provider = await startProvider(b);
    const old = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 15));
    const consistent = await cleanTwice(b);
    expect(consistent?.breakerTrip).toBeUndefined();
    expect(rulesIn(consistent, old)).toEqual(old.map(() => 'in-use'));

    for (const root of ['/nodepool', '/cloudpool']) await b.client.deleteRecursive(root);
    expect(await b.zk.getSystemId(SYSTEM_ID)).toBe(SYSTEM_ID);
    // One more instance of the old tree, made ten minutes before the wipe (where the cloud lets a seed say so).
    const older = await b.cloud.plant('instance', b.ours('0000000001', { [TAG.nodeNonce]: 'made-before' }), { ageMs: 600_000 });
    const fresh = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 18));
    expect(fresh.map((n) => n.nodeId)).toEqual(expect.arrayContaining(old.map((n) => n.nodeId)));
    const oldIds = new Set(old.map((n) => n.externalId));
    expect(fresh.filter((n) => oldIds.has(n.externalId))).toEqual([]);

    const report = await cleanTwice(b);
    expect(report?.deleted).toEqual([]);
    expect(evidenceKinds(report)).toEqual(['reissued-node-id']);
    await expectAllPresent(b, old);
    expect((await b.cloud.present()).has(older)).toBe(true);

    // The new work ends: its records go; the breaker stays tripped until an operator clears it.
    for (const { nodeId } of fresh) await b.zk.deleteNode(nodeId);
    const later = await cleanTwice(b);
    expect(later?.breakerTrip).toBeDefined();
    if (name !== 'azure') {
      // With the reused ids gone, the instance made long before the new tree still gives it away.
      expect(later?.evidence).toContainEqual(expect.objectContaining({ kind: 'tree-after-instance', subject: older }));
    }
    expect((await b.cloud.present()).has(older)).toBe(true);
    expect(later?.deleted).toEqual([]);
    await expectAllPresent(b, old);
  });

  it('wiped without a pinned id: a new id makes the old instances another installation\'s; nothing is deleted or handed out', async () => {
    const b = bed();
    const provider = await startProvider(b);
    const old = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 5));
    for (const root of ['/nodepool', '/cloudpool']) await b.client.deleteRecursive(root);
    const minted = await b.zk.getSystemId();
    expect(minted).not.toBe(SYSTEM_ID);
    const restarted = await startProvider(b, undefined, { systemId: minted });
    const fresh = await launch(b.zk, restarted, await nodesInUse(b.zk, b.provider, 8));
    const oldIds = new Set(old.map((n) => n.externalId));
    expect(fresh.filter((n) => oldIds.has(n.externalId))).toEqual([]);
    const report = await cleanTwice(b);
    expect(report?.deleted).toEqual([]);
    await expectAllPresent(b, old);
  });

  it('restored from an older snapshot: lost nodes trip the breaker, and reissued ids neither delete nor hand out their instances', async () => {
    const b = bed();
    const provider = await startProvider(b);
    const snapshot = await nodesInUse(b.zk, b.provider, 8);
    const records = await Promise.all(snapshot.map(async (id) => (await b.zk.getNode(id))!));
    const lost = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 7));

    // The restore: the tree as it was at the snapshot, sequence counter included.
    for (const root of ['/nodepool', '/cloudpool']) await b.client.deleteRecursive(root);
    await b.zk.getSystemId(SYSTEM_ID);
    for (let i = 0; i < 2; i++) await b.zk.createNode({ state: 'used', provider: b.provider });
    for (const record of records) {
      const { id: _id, stat: _stat, ...fields } = record;
      expect(await b.zk.createNode(fields)).toBe(record.id);
    }

    const before = await cleanTwice(b);
    expect(before?.deleted).toEqual([]);
    expect(evidenceKinds(before)).toEqual(['unissued-node-id']);
    await expectAllPresent(b, lost);

    const fresh = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 12));
    const lostIds = new Set(lost.map((n) => n.externalId));
    expect(fresh.filter((n) => lostIds.has(n.externalId))).toEqual([]);
    const after = await cleanTwice(b);
    expect(after?.deleted).toEqual([]);
    expect(evidenceKinds(after)).toEqual(expect.arrayContaining(['reissued-node-id', 'unissued-node-id']));
    await expectAllPresent(b, lost);
  });

  it('pointed at the wrong chroot with the system id pinned: deletes nothing, also once new work there outnumbers the old', async () => {
    const b = bed();
    const provider = await startProvider(b);
    const old = await launch(b.zk, provider, await nodesInUse(b.zk, b.provider, 6));
    const elsewhere = await connectClient(testChroot());
    b.onStop(async () => {
      for (const root of ['/nodepool', '/cloudpool']) await elsewhere.deleteRecursive(root);
      await elsewhere.close();
    });
    const wrong = new NodepoolZk(elsewhere, { identifier: 'wrong-chroot' });
    await wrong.getSystemId(SYSTEM_ID);
    const first = await cleanTwice(b, wrong);
    expect(first?.deleted).toEqual([]);
    expect(evidenceKinds(first)).toEqual(['unissued-node-id']);
    const fresh = await launch(wrong, provider, await nodesInUse(wrong, b.provider, 10));
    const oldIds = new Set(old.map((n) => n.externalId));
    expect(fresh.filter((n) => oldIds.has(n.externalId))).toEqual([]);
    const after = await cleanTwice(b, wrong);
    expect(after?.deleted).toEqual([]);
    await expectAllPresent(b, old);
  });

  it('two installations in one account never share a resource, and neither cleans the other\'s', async () => {
    const b = bed();
    const other = await connectClient(testChroot());
    b.onStop(async () => {
      for (const root of ['/nodepool', '/cloudpool']) await other.deleteRecursive(root);
      await other.close();
    });
    const otherZk = new NodepoolZk(other, { identifier: 'other-installation' });
    const otherId = await otherZk.getSystemId('other-installation');
    const ours = await launch(b.zk, await startProvider(b), await nodesInUse(b.zk, b.provider, 4));
    for (let i = 0; i < 2; i++) await otherZk.createNode({ state: 'used', provider: b.provider });
    const theirs = await launch(otherZk, await startProvider(b, undefined, { systemId: otherId }), await nodesInUse(otherZk, b.provider, 4));
    expect(theirs.map((n) => n.nodeId)).toEqual(ours.map((n) => n.nodeId));
    const mine = new Set(ours.map((n) => n.externalId));
    expect(theirs.filter((n) => mine.has(n.externalId))).toEqual([]);
    for (const { nodeId } of ours) await b.zk.deleteNode(nodeId);
    const report = await cleanTwice(b);
    expect(report?.breakerTrip).toBeUndefined();
    const present = await b.cloud.present();
    for (const { externalId } of ours) expect(present.has(`instance:${externalId}`), externalId).toBe(false);
    await expectAllPresent(b, theirs);
  });
});

function rulesIn(report: CleanupReport | undefined, nodes: readonly LaunchedNode[]): string[] {
  const rules = new Map((report?.decisions ?? []).map((d) => [d.resource.id, d.rule]));
  return nodes.map((n) => rules.get(n.externalId) ?? 'missing');
}
