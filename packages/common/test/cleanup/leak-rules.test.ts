import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_ALLOWANCE_MS,
  lineageNodeIds,
  planLeakCleanup,
  resourceKey,
  TAG,
  type CloudResource,
  type LeakPlanInput,
  type ZooKeeperLineage,
} from '@cloudpool/common';

const owner = { providerName: 'aws-east', systemId: 'sys-1' };
const ours = (nodeId: string, extra: Record<string, string> = {}) => ({
  [TAG.providerName]: 'aws-east',
  [TAG.systemId]: 'sys-1',
  [TAG.nodeId]: nodeId,
  ...extra,
});
const instance = (id: string, tags: Record<string, string>, createdAt = 0): CloudResource => ({ type: 'instance', id, tags, createdAt });

function plan(resources: CloudResource[], overrides: Partial<LeakPlanInput> = {}) {
  return planLeakCleanup({
    resources,
    references: { nodeIds: new Set(['0000000001']) },
    owner,
    now: 10_000_000,
    minAgeMs: 60_000,
    previouslyLeaked: new Map(resources.map((r) => [resourceKey(r), 0])),
    breaker: { maxDeleteCount: 50 },
    ...overrides,
  });
}

describe('planLeakCleanup', () => {
  it('deletes only our resources whose node is absent from ZooKeeper', () => {
    const resources = [
      instance('i-leaked', ours('0000000099')),
      instance('i-in-use', ours('0000000001')),
      instance('i-other-provider', { ...ours('0000000099'), [TAG.providerName]: 'aws-west' }),
      instance('i-other-system', { ...ours('0000000099'), [TAG.systemId]: 'sys-2' }),
      instance('i-untagged', {}),
      instance('i-nodepool', { [TAG.providerName]: 'aws-east', [TAG.nodeId]: '0000000099' }),
      instance('i-no-node-id', { [TAG.providerName]: 'aws-east', [TAG.systemId]: 'sys-1' }),
      instance('i-protected', ours('0000000099', { [TAG.protect]: 'yes' })),
      instance('i-young', ours('0000000099'), 9_990_000),
      instance('i-pass2', ours('0000000098'), 0),
      instance('i-lone', ours('0000000097'), 0),
    ];
    const result = plan(resources, { previouslyLeaked: new Map(resources.filter((r) => r.id !== 'i-lone').map((r) => [resourceKey(r), 0])) });
    const rules = Object.fromEntries(result.decisions.map((d) => [d.resource.id, d.rule]));
    expect(rules).toEqual({
      'i-leaked': 'leaked',
      'i-in-use': 'in-use',
      'i-other-provider': 'not-ours',
      'i-other-system': 'not-ours',
      'i-untagged': 'not-ours',
      'i-nodepool': 'not-ours',
      'i-no-node-id': 'no-reference',
      'i-protected': 'protected',
      'i-young': 'too-young',
      'i-pass2': 'leaked',
      'i-lone': 'first-sighting',
    });
    expect(result.toDelete.map((r) => r.id)).toEqual(['i-leaked', 'i-pass2']);
    expect([...result.leakedNow.keys()].sort()).toEqual(['instance:i-leaked', 'instance:i-lone', 'instance:i-pass2', 'instance:i-young']);
  });

  it('adopts Nodepool resources without a system id only when told to', () => {
    const resources = [instance('i-nodepool', { [TAG.providerName]: 'aws-east', [TAG.nodeId]: '0000000099' })];
    expect(plan(resources).toDelete).toEqual([]);
    expect(plan(resources, { owner: { ...owner, adoptNodepoolResources: true } }).toDelete.map((r) => r.id)).toEqual(['i-nodepool']);
  });

  it('measures age from the first sighting when the cloud gives no creation time', () => {
    const resource: CloudResource = { type: 'port', id: 'p-1', tags: ours('0000000099') };
    const young = plan([resource], { previouslyLeaked: new Map([[resourceKey(resource), 9_990_000]]) });
    expect(young.decisions[0]!.rule).toBe('too-young');
    expect(young.leakedNow.get('port:p-1')).toBe(9_990_000);
    const old = plan([resource], { previouslyLeaked: new Map([[resourceKey(resource), 1_000]]) });
    expect(old.decisions[0]!.rule).toBe('leaked');
  });

  it('orders deletions by deletionOrder (server before its floating IP)', () => {
    const fip: CloudResource = { type: 'floating-ip', id: 'f', tags: ours('0000000099'), createdAt: 0, deletionOrder: 2 };
    const port: CloudResource = { type: 'port', id: 'p', tags: ours('0000000099'), createdAt: 0, deletionOrder: 1 };
    const server = instance('s', ours('0000000099'));
    expect(plan([fip, port, server]).toDelete.map((r) => r.type)).toEqual(['instance', 'port', 'floating-ip']);
  });

  it('paces a large leak by max-delete-count instead of refusing it, instances first', () => {
    const resources = Array.from({ length: 10 }, (_, i) => instance(`i-${i}`, ours(String(i + 10).padStart(10, '0'))));
    const volume: CloudResource = { type: 'volume', id: 'v', tags: ours('0000000010'), createdAt: 0, deletionOrder: 1 };
    const paced = plan([volume, ...resources], { references: { nodeIds: new Set() }, breaker: { maxDeleteCount: 4 } });
    expect(paced.toDelete.map((r) => r.id)).toEqual(['i-0', 'i-1', 'i-2', 'i-3']);
    expect(paced.paced.map((r) => r.id)).toEqual(['i-4', 'i-5', 'i-6', 'i-7', 'i-8', 'i-9', 'v']);
    expect(paced.evidence).toEqual([]);
    expect(paced.shareStop).toBeUndefined();
  });

  it('deletes every leak when all of our instances leaked: the share stop is off by default', () => {
    const resources = Array.from({ length: 10 }, (_, i) => instance(`i-${i}`, ours(String(i + 10).padStart(10, '0'))));
    expect(plan(resources, { references: { nodeIds: new Set() } }).toDelete).toHaveLength(10);
  });

  it('stops on the opt-in share rule (max-delete-share) and deletes nothing', () => {
    const resources = Array.from({ length: 10 }, (_, i) => instance(`i-${i}`, ours(String(i + 10).padStart(10, '0'))));
    const stopped = plan(resources, { references: { nodeIds: new Set() }, breaker: { maxDeleteCount: 50, maxDeleteShare: 0.5 } });
    expect(stopped.toDelete).toEqual([]);
    expect(stopped.shareStop).toMatch(/10 of 10 tagged instances, more than max-delete-share 0.5/);
  });

  it('lets a small installation clean its one leaked instance under the share stop (floor)', () => {
    const result = plan([instance('i-only', ours('0000000099'))], { breaker: { maxDeleteCount: 50, maxDeleteShare: 0.5 } });
    expect(result.shareStop).toBeUndefined();
    expect(result.toDelete).toHaveLength(1);
  });

  describe('evidence that ZooKeeper lost data', () => {
    const HOUR = 3_600_000;
    const now = 10 * HOUR;
    const lineage = (over: Partial<ZooKeeperLineage> = {}): ZooKeeperLineage => ({
      nextNodeSequence: 100,
      nodeTreeCreatedAt: 0,
      installationMarkerCreatedAt: 0,
      nodes: new Map(),
      ...over,
    });
    const withLineage = (resources: CloudResource[], nodeIds: string[], l: ZooKeeperLineage, acknowledged: string[] = []) =>
      plan(resources, { now, references: { nodeIds: new Set(nodeIds), lineage: l }, breaker: { maxDeleteCount: 50, acknowledged: new Set(acknowledged) } });

    it('finds none in a consistent history and deletes the leaks', () => {
      const leaked = instance('i-leak', ours('0000000050'), 5 * HOUR);
      const live = instance('i-live', ours('0000000060', { [TAG.nodeNonce]: 'n-60' }), 6 * HOUR);
      const nodes = new Map([
        ['0000000049', { nonce: 'n-49', createdAt: 5 * HOUR - 1000 }],
        ['0000000060', { nonce: 'n-60', createdAt: 6 * HOUR - 1000 }],
      ]);
      const result = withLineage([leaked, live], ['0000000049', '0000000060'], lineage({ nodes }));
      expect(result.evidence).toEqual([]);
      expect(result.toDelete.map((r) => r.id)).toEqual(['i-leak']);
    });

    it('trips on a node id ZooKeeper never handed out (at or above the next sequence number)', () => {
      const result = withLineage([instance('i-a', ours('0000000100'), 5 * HOUR), instance('i-b', ours('0000000099'), 5 * HOUR)], [], lineage());
      expect(result.toDelete).toEqual([]);
      expect(result.evidence.map((e) => [e.kind, e.subject])).toEqual([['unissued-node-id', 'instance:i-a']]);
    });

    it('trips on a node id handed out twice (the record has another nonce)', () => {
      const reused = instance('i-old', ours('0000000007', { [TAG.nodeNonce]: 'old' }), 5 * HOUR);
      const leak = instance('i-leak', ours('0000000008'), 5 * HOUR);
      const result = withLineage([reused, leak], ['0000000007'], lineage({ nodes: new Map([['0000000007', { nonce: 'new', createdAt: 5 * HOUR }]]) }));
      expect(result.evidence.map((e) => e.kind)).toEqual(['reissued-node-id']);
      expect(result.toDelete).toEqual([]);
    });

    it('trips on an instance older than the node tree or the installation marker', () => {
      const old = instance('i-old', ours('0000000003'), 1 * HOUR);
      expect(withLineage([old], [], lineage({ nodeTreeCreatedAt: 2 * HOUR })).evidence.map((e) => e.kind)).toEqual(['tree-after-instance']);
      expect(withLineage([old], [], lineage({ installationMarkerCreatedAt: 2 * HOUR })).evidence[0]?.detail).toMatch(/installation marker/);
      const withinSkew = instance('i-skewed', ours('0000000003'), 2 * HOUR - CLOCK_SKEW_ALLOWANCE_MS + 1);
      expect(withLineage([withinSkew], [], lineage({ nodeTreeCreatedAt: 2 * HOUR })).evidence).toEqual([]);
      const adopted = instance('i-nodepool', { [TAG.providerName]: 'aws-east', [TAG.nodeId]: '0000000003' }, 1 * HOUR);
      const migration = plan([adopted], {
        now,
        owner: { ...owner, adoptNodepoolResources: true },
        references: { nodeIds: new Set(), lineage: lineage({ installationMarkerCreatedAt: 2 * HOUR }) },
      });
      expect(migration.evidence).toEqual([]);
    });

    it('trips when a lower node id was created after the instance (ids handed out again)', () => {
      const old = instance('i-old', ours('0000000020'), 3 * HOUR);
      const nodes = new Map([['0000000012', { nonce: 'x', createdAt: 4 * HOUR }]]);
      const result = withLineage([old], ['0000000005', '0000000012', '0000000030'], lineage({ nodes }));
      expect(result.evidence.map((e) => e.kind)).toEqual(['node-after-instance']);
    });

    it('ignores evidence an operator acknowledged', () => {
      const result = withLineage([instance('i-a', ours('0000000100'), 5 * HOUR)], [], lineage(), ['instance:i-a']);
      expect(result.evidence).toEqual([]);
      expect(result.toDelete.map((r) => r.id)).toEqual(['i-a']);
    });
  });

  it('names the ids the lineage needs: present ones, and the highest present below an absent one', () => {
    expect([...lineageNodeIds(['0000000005', '0000000009', '0000000001'], ['0000000002', '0000000005', '0000000007'])].sort()).toEqual(['0000000005', '0000000007']);
  });

  describe('image uploads', () => {
    const uploadTags = (ids: Record<string, string>, extra: Record<string, string> = {}) => ({
      [TAG.providerName]: 'aws-east',
      [TAG.systemId]: 'sys-1',
      ...ids,
      ...extra,
    });
    const upload = (id: string, tags: Record<string, string>): CloudResource => ({ type: 'image', id, tags, createdAt: 0 });
    const withUploads = (uploads: Array<{ buildId: string; uploadId: string }>) => ({ references: { nodeIds: new Set<string>(), uploads } });
    const rulesOf = (result: ReturnType<typeof plan>) => Object.fromEntries(result.decisions.map((d) => [d.resource.id, d.rule]));

    it('spares every upload when uploads were not read', () => {
      const resources = [upload('ami-1', uploadTags({ [TAG.buildId]: 'b1', [TAG.uploadId]: '0000000007' })), upload('ami-2', uploadTags({ [TAG.uploadId]: '0000000007' }))];
      expect(rulesOf(plan(resources))).toEqual({ 'ami-1': 'in-use', 'ami-2': 'in-use' });
      expect(plan(resources).toDelete).toEqual([]);
    });

    it('matches an upload carrying a build id on the (build id, upload id) pair', () => {
      const resources = [
        upload('ami-recorded', uploadTags({ [TAG.buildId]: 'b1', [TAG.uploadId]: '0000000001' })),
        // Upload id 0000000001 is recorded, but in build b1: this one of build b2 is gone.
        upload('ami-other-build', uploadTags({ [TAG.buildId]: 'b2', [TAG.uploadId]: '0000000001' })),
        upload('ami-unknown-upload', uploadTags({ [TAG.buildId]: 'b1', [TAG.uploadId]: '0000000009' })),
        upload('ami-nothing-recorded', uploadTags({ [TAG.buildId]: 'b3', [TAG.uploadId]: '0000000002' })),
      ];
      const result = plan(resources, withUploads([{ buildId: 'b1', uploadId: '0000000001' }, { buildId: 'b2', uploadId: '0000000002' }]));
      expect(rulesOf(result)).toEqual({
        'ami-recorded': 'in-use',
        'ami-other-build': 'leaked',
        'ami-unknown-upload': 'leaked',
        'ami-nothing-recorded': 'leaked',
      });
    });

    it('matches an upload without a build id on the upload id alone, in any build', () => {
      const resources = [upload('ami-known', uploadTags({ [TAG.uploadId]: '0000000002' })), upload('ami-gone', uploadTags({ [TAG.uploadId]: '0000000003' }))];
      const result = plan(resources, withUploads([{ buildId: 'b2', uploadId: '0000000002' }]));
      expect(rulesOf(result)).toEqual({ 'ami-known': 'in-use', 'ami-gone': 'leaked' });
      expect(rulesOf(plan(resources, withUploads([])))).toEqual({ 'ami-known': 'leaked', 'ami-gone': 'leaked' });
    });

    it('does not confuse a build id and an upload id that join to the same text', () => {
      const resources = [upload('ami-1', uploadTags({ [TAG.buildId]: 'a-b', [TAG.uploadId]: 'c' }))];
      expect(rulesOf(plan(resources, withUploads([{ buildId: 'a', uploadId: 'b-c' }])))).toEqual({ 'ami-1': 'leaked' });
    });

    it('holds a leaked upload to every other rule: ours, unprotected, seen on the previous pass, old enough', () => {
      const ids = { [TAG.buildId]: 'b9', [TAG.uploadId]: '0000000001' };
      const resources = [
        upload('ami-leaked', uploadTags(ids)),
        upload('ami-other-provider', uploadTags(ids, { [TAG.providerName]: 'aws-west' })),
        upload('ami-other-system', uploadTags(ids, { [TAG.systemId]: 'sys-2' })),
        upload('ami-nodepool', { [TAG.providerName]: 'aws-east', ...ids }),
        upload('ami-protected', uploadTags(ids, { [TAG.protect]: 'yes' })),
        { ...upload('ami-young', uploadTags(ids)), createdAt: 9_990_000 },
        upload('ami-first', uploadTags(ids)),
      ];
      const previouslyLeaked = new Map(resources.filter((r) => r.id !== 'ami-first').map((r) => [resourceKey(r), 0]));
      const result = plan(resources, { ...withUploads([]), previouslyLeaked });
      expect(rulesOf(result)).toEqual({
        'ami-leaked': 'leaked',
        'ami-other-provider': 'not-ours',
        'ami-other-system': 'not-ours',
        'ami-nodepool': 'not-ours',
        'ami-protected': 'protected',
        'ami-young': 'too-young',
        'ami-first': 'first-sighting',
      });
      expect(result.toDelete.map((r) => r.id)).toEqual(['ami-leaked']);
    });

    it('decides by the node id when a resource carries both a node id and an upload id', () => {
      const resource = upload('vol-1', uploadTags({ [TAG.nodeId]: '0000000001', [TAG.buildId]: 'b1', [TAG.uploadId]: '0000000001' }));
      expect(rulesOf(plan([resource], { references: { nodeIds: new Set(['0000000001']), uploads: [] } }))).toEqual({ 'vol-1': 'in-use' });
    });
  });
});
