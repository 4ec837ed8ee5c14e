import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  LeakCleanupWorker,
  ManualClock,
  planLeakCleanup,
  resourceKey,
  seededRandom,
  TAG,
  type CloudResource,
  lineageNodeIds,
  type NodeState,
  type Random,
  type ZooKeeperReferences,
} from '@cloudpool/common';
import { FakeAdapter, FakeCloud, passthroughQueue } from '@cloudpool/common/testing';

const OWNER = { providerName: 'p', systemId: 's' };
const MIN_AGE = 300_000;
const PASS = 60_000;

describe('leak cleanup over generated scenarios', () => {
  it('never deletes a resource (of a node or an image upload) that is in use, foreign, protected, young or seen leaked only once, and misses no leak', () => {
    let wrongDeletions = 0;
    let missedLeaks = 0;
    let deletions = 0;
    let uploadDeletions = 0;
    for (let scenario = 0; scenario < 300; scenario++) {
      const random = seededRandom(scenario + 1);
      const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;
      let now = 10_000_000;
      const resources: CloudResource[] = [];
      const zk = new Set<string>();
      /** Uploads recorded by builders, as [build id, upload id]; upload ids repeat across builds. */
      let zkUploads: Array<[string, string]> = [];
      let previouslyLeaked = new Map<string, number>();
      let eligibleLastPass = new Set<string>();
      for (let pass = 0; pass < 8; pass++) {
        // The world moves: resources appear (some with nodes), nodes come and go.
        for (let i = 0; i < 4; i++) {
          const nodeId = String(Math.floor(random() * 30)).padStart(10, '0');
          const buildId = pick(['b1', 'b2', 'b3']);
          const uploadId = String(Math.floor(random() * 3)).padStart(10, '0');
          // Some resources are image uploads (carrying an upload id, mostly with its build id), the rest a node's.
          const isUpload = random() < 0.3;
          const tags: Record<string, string> = {};
          if (random() < 0.9) tags[TAG.providerName] = pick(['p', 'p', 'p', 'q']);
          if (random() < 0.9) tags[TAG.systemId] = pick(['s', 's', 's', 't']);
          if (!isUpload && random() < 0.95) tags[TAG.nodeId] = nodeId;
          if (isUpload && random() < 0.95) tags[TAG.uploadId] = uploadId;
          if (isUpload && random() < 0.7) tags[TAG.buildId] = buildId;
          if (random() < 0.1) tags[TAG.protect] = 'yes';
          const createdAt = random() < 0.8 ? now - Math.floor(random() * 2 * MIN_AGE) : undefined;
          const type = isUpload ? pick(['image', 'snapshot']) : pick(['instance', 'volume', 'port']);
          resources.push({ type, id: `r${scenario}-${pass}-${i}`, tags, ...(createdAt ? { createdAt } : {}) });
          if (random() < 0.5) zk.add(nodeId);
          if (random() < 0.5) zkUploads.push([pick(['b1', 'b2', 'b3']), uploadId]);
        }
        for (const id of [...zk]) if (random() < 0.15) zk.delete(id);
        zkUploads = zkUploads.filter(() => random() >= 0.15);

        const plan = planLeakCleanup({
          resources,
          references: { nodeIds: new Set(zk), uploads: zkUploads.map(([buildId, uploadId]) => ({ buildId, uploadId })) },
          owner: OWNER,
          now,
          minAgeMs: MIN_AGE,
          previouslyLeaked,
          breaker: { maxDeleteShare: 1, maxDeleteCount: 1_000 },
        });

        // Independent oracle of the rules.
        const eligibleNow = new Set<string>();
        for (const r of resources) {
          const ours = r.tags[TAG.providerName] === 'p' && r.tags[TAG.systemId] === 's';
          const nodeId = r.tags[TAG.nodeId];
          const uploadId = r.tags[TAG.uploadId];
          const buildId = r.tags[TAG.buildId];
          const uploadRecorded = zkUploads.some(([b, u]) => u === uploadId && (buildId === undefined || b === buildId));
          const gone = nodeId !== undefined ? !zk.has(nodeId) : uploadId !== undefined && !uploadRecorded;
          if (ours && gone && r.tags[TAG.protect] === undefined) eligibleNow.add(resourceKey(r));
        }
        const deleted = new Set(plan.toDelete.map(resourceKey));
        for (const r of resources) {
          const key = resourceKey(r);
          const firstSeen = previouslyLeaked.get(key);
          const old = firstSeen !== undefined && now - (r.createdAt ?? firstSeen) >= MIN_AGE;
          const mayDelete = eligibleNow.has(key) && eligibleLastPass.has(key) && old;
          if (deleted.has(key) && !mayDelete) wrongDeletions += 1;
          if (!deleted.has(key) && mayDelete) missedLeaks += 1;
        }
        deletions += deleted.size;
        uploadDeletions += plan.toDelete.filter((r) => r.tags[TAG.uploadId] !== undefined).length;
        for (let i = resources.length - 1; i >= 0; i--) if (deleted.has(resourceKey(resources[i]!))) resources.splice(i, 1);
        previouslyLeaked = plan.leakedNow;
        eligibleLastPass = eligibleNow;
        now += PASS;
      }
    }
    expect(wrongDeletions).toBe(0);
    expect(missedLeaks).toBe(0);
    expect(deletions).toBeGreaterThan(100);
    expect(uploadDeletions).toBeGreaterThan(30);
  });

  it('over ZooKeeper histories with lineage and pacing: no false trip in a consistent one, and no live node of a wiped or rolled-back one deleted', () => {
    let wrongDeletions = 0;
    let falseTrips = 0;
    let deletions = 0;
    let disasters = 0;
    let trippedDisasters = 0;
    for (let scenario = 0; scenario < 200; scenario++) {
      const random = seededRandom(5000 + scenario);
      const history = new ZooKeeperHistory(random);
      const disasterAt = random() < 0.5 ? 3 + Math.floor(random() * 5) : undefined;
      const maxDeleteCount = 1 + Math.floor(random() * 6);
      let previouslyLeaked = new Map<string, number>();
      let tripped = false;
      for (let pass = 0; pass < 14; pass++) {
        history.move(pass > (disasterAt ?? Infinity) ? 6 : 3);
        if (pass === disasterAt) {
          disasters += 1;
          history.disaster(random() < 0.5 ? 'wipe' : 'rollback');
        }
        const plan = planLeakCleanup({
          resources: history.instances(),
          references: history.references(),
          owner: OWNER,
          now: history.now,
          minAgeMs: MIN_AGE,
          previouslyLeaked,
          breaker: { maxDeleteCount },
        });
        if (plan.evidence.length > 0) {
          if (disasterAt === undefined || pass < disasterAt) falseTrips += 1;
          tripped = true;
        }
        const toDelete = tripped ? [] : plan.toDelete;
        expect(toDelete.length).toBeLessThanOrEqual(maxDeleteCount);
        for (const resource of toDelete) {
          if (history.isLive(resource.id)) wrongDeletions += 1;
          history.deleteInstance(resource.id);
          deletions += 1;
        }
        previouslyLeaked = plan.leakedNow;
        history.now += PASS;
      }
      if (disasterAt !== undefined && tripped) trippedDisasters += 1;
    }
    expect(wrongDeletions).toBe(0);
    expect(falseTrips).toBe(0);
    expect(deletions).toBeGreaterThan(300);
    expect(trippedDisasters).toBe(disasters);
  });

  it('through the worker and a fake cloud, with nodes in every state, failing reads and deletes and a moving world, deletes nothing it may not', async () => {
    let wrongDeletions = 0;
    let deletions = 0;
    let abortedPasses = 0;
    for (let scenario = 0; scenario < 150; scenario++) {
      const world = new MovingWorld(seededRandom(1000 + scenario));
      const { cloud, random } = world;
      /** Ours, unprotected, node absent from ZooKeeper at the read of a pass: what the rules let go, per the oracle. */
      let eligibleNow = new Set<string>();
      let eligibleLastCompleted = new Set<string>();
      let failZooKeeper = false;
      const adapter = new FakeAdapter(cloud, { providerName: 'p', queue: passthroughQueue });
      const checked = Object.assign(Object.create(adapter) as FakeAdapter, {
        deleteResource: async (resource: CloudResource) => {
          const key = resourceKey(resource);
          const tags = world.tagsOf(resource);
          const old = tags !== undefined && world.clock.now() - world.createdAt(resource) >= MIN_AGE;
          if (!eligibleNow.has(key) || !eligibleLastCompleted.has(key) || !old) wrongDeletions += 1;
          await adapter.deleteResource(resource);
          deletions += 1;
        },
      });
      const worker = new LeakCleanupWorker(
        'p',
        {
          adapter: checked,
          readReferences: async () => {
            world.raceWithLauncher();
            if (failZooKeeper) throw new Error('ConnectionLoss');
            eligibleNow = world.eligible();
            return { nodeIds: new Set(world.zk.keys()) };
          },
        },
        {
          owner: OWNER,
          settings: { interval: 60, minAge: MIN_AGE / 1000, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 1_000 },
          clock: world.clock,
          logger: pino({ level: 'silent' }),
        },
      );
      for (let pass = 0; pass < 10; pass++) {
        world.move();
        const failCloud = random() < 0.15;
        failZooKeeper = random() < 0.15;
        cloud.failListsWith = failCloud ? 'transient' : undefined;
        cloud.failDeletesWith = random() < 0.1 ? 'transient' : undefined;
        eligibleNow = new Set();
        const report = await worker.runPass();
        expect(Boolean(report.aborted)).toBe(failCloud || failZooKeeper);
        if (report.aborted) abortedPasses += 1;
        else eligibleLastCompleted = eligibleNow;
        world.clock.advance(PASS);
      }
    }
    expect(wrongDeletions).toBe(0);
    expect(deletions).toBeGreaterThan(200);
    expect(abortedPasses).toBeGreaterThan(200);
  });
});

/** States a node is launched into or moves between while it lives (`deleting` is entered by deletion). */
const LIVE_STATES: NodeState[] = ['init', 'building', 'ready', 'in-use', 'used', 'hold', 'failed', 'aborted'];

/**
 * A fake cloud and a ZooKeeper (node id → state) that change as launchers and users change them:
 * a node record exists before its instance and volume; nodes move between states; a deleted
 * node is `deleting` while its instance takes 90 s to go, and its record is removed only once
 * the instance is gone; some records vanish and leave resources behind (leaks); foreign,
 * untagged and protected resources appear; an operator protects and unprotects.
 */
class MovingWorld {
  readonly clock = new ManualClock(10_000_000);
  readonly cloud = new FakeCloud({ clock: this.clock, deleteTimeMs: 90_000 });
  readonly zk = new Map<string, NodeState>();
  private nextNode = 1;

  constructor(readonly random: Random) {}

  /** Between passes: new nodes, state changes, deletions, leaks and foreign resources. */
  move(): void {
    for (let i = 0; i < 3; i++) this.launch(this.clock.now() - Math.floor(this.random() * 2 * MIN_AGE));
    for (const [id, state] of [...this.zk]) {
      const roll = this.random();
      if (state === 'deleting') this.finishDeleting(id);
      else if (roll < 0.1) this.startDeleting(id);
      else if (roll < 0.2) this.zk.delete(id);
      else if (roll < 0.4) this.zk.set(id, this.pick(LIVE_STATES));
    }
    const ours = { [TAG.providerName]: 'p', [TAG.systemId]: 's', [TAG.nodeId]: this.nodeId(this.nextNode + 1000) };
    const tags = this.pick([{ ...ours, [TAG.providerName]: 'q' }, { ...ours, [TAG.systemId]: 't' }, {}, { ...ours, [TAG.protect]: 'yes' }, ours]);
    if (this.random() < 0.5) this.cloud.plantInstance(tags, { ageMs: Math.floor(this.random() * 2 * MIN_AGE) });
    else this.cloud.plantVolume(tags, { ageMs: Math.floor(this.random() * 2 * MIN_AGE) });
    // An operator protects a resource, or lifts the protection.
    const chosen = this.pick<{ tags: Record<string, string> } | undefined>([...this.cloud.instances.values(), ...this.cloud.volumes.values(), undefined]);
    if (chosen && this.random() < 0.5) {
      if (chosen.tags[TAG.protect] === undefined) chosen.tags[TAG.protect] = 'operator';
      else delete chosen.tags[TAG.protect];
    }
  }

  /** While a pass is between its cloud listing and its ZooKeeper read, launchers go on. */
  raceWithLauncher(): void {
    if (this.random() < 0.3) this.launch(this.clock.now());
    for (const [id, state] of this.zk) {
      if (state === 'deleting' && this.random() < 0.5) this.finishDeleting(id);
      else if (state !== 'deleting' && this.random() < 0.1) this.startDeleting(id);
    }
  }

  /** Keys of the resources the rules let go now: ours, unprotected, their node gone from ZooKeeper (in every state). */
  eligible(): Set<string> {
    const all = [
      ...[...this.cloud.instances.values()].map((i) => ({ key: `instance:${i.id}`, tags: i.tags })),
      ...[...this.cloud.volumes.values()].map((v) => ({ key: `volume:${v.id}`, tags: v.tags })),
    ];
    return new Set(
      all
        .filter(({ tags }) => tags[TAG.providerName] === 'p' && tags[TAG.systemId] === 's' && tags[TAG.protect] === undefined)
        .filter(({ tags }) => {
          const nodeId = tags[TAG.nodeId];
          return nodeId !== undefined && !this.zk.has(nodeId);
        })
        .map(({ key }) => key),
    );
  }

  tagsOf(resource: CloudResource): Record<string, string> | undefined {
    return (resource.type === 'instance' ? this.cloud.instances.get(resource.id) : this.cloud.volumes.get(resource.id))?.tags;
  }

  createdAt(resource: CloudResource): number {
    return (resource.type === 'instance' ? this.cloud.instances.get(resource.id) : this.cloud.volumes.get(resource.id))?.createdAt ?? Infinity;
  }

  /** A node record first, then its instance (with its volume). */
  private launch(createdAt: number): void {
    const id = this.nodeId(this.nextNode++);
    this.zk.set(id, this.pick(LIVE_STATES));
    const instance = this.cloud.plantInstance({ [TAG.providerName]: 'p', [TAG.systemId]: 's', [TAG.nodeId]: id }, { ageMs: this.clock.now() - createdAt });
    this.cloud.plantVolume({ ...instance.tags }, { ageMs: this.clock.now() - createdAt });
  }

  /** As the node deleter does: the node becomes `deleting` and its instance starts going (it takes 90 s). */
  private startDeleting(id: string): void {
    this.zk.set(id, 'deleting');
    for (const instance of this.instancesOf(id)) instance.goneAt ??= this.clock.now() + 90_000;
  }

  /** Once the node's instance is gone, its volume goes and then its record. */
  private finishDeleting(id: string): void {
    const instances = this.instancesOf(id);
    if (instances.some((instance) => instance.goneAt === undefined || instance.goneAt > this.clock.now())) return;
    for (const instance of instances) this.cloud.instances.delete(instance.id);
    for (const volume of this.cloud.volumes.values()) if (volume.tags[TAG.nodeId] === id) this.cloud.volumes.delete(volume.id);
    this.zk.delete(id);
  }

  private instancesOf(id: string) {
    return [...this.cloud.instances.values()].filter((instance) => instance.tags[TAG.nodeId] === id);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private nodeId(n: number): string {
    return String(n).padStart(10, '0');
  }
}

interface ModelNode {
  nonce: string;
  createdAt: number;
}

/**
 * One provider's ZooKeeper history as leak cleanup's lineage sees it: sequential node ids (the
 * sequence counter only grows), each node created before its instance, instances outliving
 * their nodes (leaks), and at one pass a disaster: the tree wiped (recreated, ids restart) or
 * restored from an older snapshot (nodes and counter as they were a few passes earlier). Nodes
 * alive at the disaster stay in use (Zuul holds them): their instances must never be deleted.
 */
class ZooKeeperHistory {
  now = 10_000_000;
  private sequence = 0;
  private treeCreatedAt = 0;
  private readonly nodes = new Map<string, ModelNode>();
  private readonly cloud = new Map<string, { nodeId: string; nonce: string; createdAt: number }>();
  /** Instance ids whose node was alive when the disaster struck. */
  private readonly live = new Set<string>();
  private snapshot: { sequence: number; nodes: Map<string, ModelNode> } | undefined;
  private instances_ = 0;

  constructor(private readonly random: Random) {}

  /** New nodes and their instances; some nodes end (their instance deleted, or leaked). */
  move(launches: number): void {
    if (this.random() < 0.3) this.snapshot = { sequence: this.sequence, nodes: new Map(this.nodes) };
    for (let i = 0; i < launches; i++) {
      const nodeId = String(this.sequence++).padStart(10, '0');
      const node = { nonce: `n${this.random().toString(36).slice(2, 10)}`, createdAt: this.now + i };
      this.nodes.set(nodeId, node);
      this.cloud.set(`i-${this.instances_++}`, { nodeId, nonce: node.nonce, createdAt: node.createdAt + 1_000 });
    }
    for (const [nodeId] of [...this.nodes]) {
      if (this.random() >= 0.25) continue;
      this.nodes.delete(nodeId);
      if (this.random() < 0.6) for (const [id, instance] of this.cloud) if (instance.nodeId === nodeId && !this.live.has(id)) this.cloud.delete(id);
      this.sequence += 1; // a delete moves the counter (cversion) too
    }
  }

  disaster(kind: 'wipe' | 'rollback'): void {
    for (const [id, instance] of this.cloud) if (this.nodes.get(instance.nodeId)?.nonce === instance.nonce) this.live.add(id);
    if (kind === 'wipe' || !this.snapshot) {
      this.nodes.clear();
      this.sequence = 0;
      this.treeCreatedAt = this.now;
    } else {
      this.nodes.clear();
      for (const [id, node] of this.snapshot.nodes) this.nodes.set(id, node);
      this.sequence = this.snapshot.sequence;
    }
  }

  instances(): CloudResource[] {
    return [...this.cloud].map(([id, instance]) => ({
      type: 'instance',
      id,
      tags: { [TAG.providerName]: 'p', [TAG.systemId]: 's', [TAG.nodeId]: instance.nodeId, [TAG.nodeNonce]: instance.nonce },
      createdAt: instance.createdAt,
    }));
  }

  references(): ZooKeeperReferences {
    const nodeIds = [...this.nodes.keys()];
    const wanted = lineageNodeIds([...this.cloud.values()].map((i) => i.nodeId), nodeIds);
    const nodes = new Map([...wanted].map((id) => [id, { nonce: this.nodes.get(id)!.nonce, createdAt: this.nodes.get(id)!.createdAt }] as const));
    return {
      nodeIds: new Set(nodeIds),
      lineage: { nextNodeSequence: this.sequence, nodeTreeCreatedAt: this.treeCreatedAt, installationMarkerCreatedAt: this.treeCreatedAt, nodes },
    };
  }

  isLive(instanceId: string): boolean {
    const instance = this.cloud.get(instanceId);
    return this.live.has(instanceId) || (instance !== undefined && this.nodes.get(instance.nodeId)?.nonce === instance.nonce);
  }

  deleteInstance(instanceId: string): void {
    this.cloud.delete(instanceId);
  }
}
