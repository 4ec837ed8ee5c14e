import { describe, expect, it } from 'vitest';
import { planLeakCleanup, resourceKey, seededRandom, TAG, type CloudResource } from '@cloudpool/common';

const OWNER = { providerName: 'p', systemId: 's' };
const MIN_AGE = 300_000;
const PASS = 60_000;

describe('leak cleanup over generated scenarios', () => {
  it('never deletes a resource that is in use, foreign, protected, young or seen leaked only once, and misses no leak', () => {
    let wrongDeletions = 0;
    let missedLeaks = 0;
    let deletions = 0;
    for (let scenario = 0; scenario < 300; scenario++) {
      const random = seededRandom(scenario + 1);
      const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;
      let now = 10_000_000;
      const resources: CloudResource[] = [];
      const zk = new Set<string>();
      let previouslyLeaked = new Map<string, number>();
      let eligibleLastPass = new Set<string>();
      for (let pass = 0; pass < 8; pass++) {
        // The world moves: resources appear (some with nodes), nodes come and go.
        for (let i = 0; i < 4; i++) {
          const nodeId = String(Math.floor(random() * 30)).padStart(10, '0');
          const tags: Record<string, string> = {};
          if (random() < 0.9) tags[TAG.providerName] = pick(['p', 'p', 'p', 'q']);
          if (random() < 0.9) tags[TAG.systemId] = pick(['s', 's', 's', 't']);
          if (random() < 0.95) tags[TAG.nodeId] = nodeId;
          if (random() < 0.1) tags[TAG.protect] = 'yes';
          const createdAt = random() < 0.8 ? now - Math.floor(random() * 2 * MIN_AGE) : undefined;
          resources.push({ type: pick(['instance', 'volume', 'port']), id: `r${scenario}-${pass}-${i}`, tags, ...(createdAt ? { createdAt } : {}) });
          if (random() < 0.5) zk.add(nodeId);
        }
        for (const id of [...zk]) if (random() < 0.15) zk.delete(id);

        const plan = planLeakCleanup({
          resources,
          references: { nodeIds: new Set(zk) },
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
          if (ours && nodeId !== undefined && !zk.has(nodeId) && r.tags[TAG.protect] === undefined) eligibleNow.add(resourceKey(r));
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
        for (let i = resources.length - 1; i >= 0; i--) if (deleted.has(resourceKey(resources[i]!))) resources.splice(i, 1);
        previouslyLeaked = plan.leakedNow;
        eligibleLastPass = eligibleNow;
        now += PASS;
      }
    }
    expect(wrongDeletions).toBe(0);
    expect(missedLeaks).toBe(0);
    expect(deletions).toBeGreaterThan(100);
  });
});
