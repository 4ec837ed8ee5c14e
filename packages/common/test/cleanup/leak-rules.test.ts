import { describe, expect, it } from 'vitest';
import { planLeakCleanup, resourceKey, TAG, type CloudResource, type LeakPlanInput } from '@cloudpool/common';

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
    breaker: { maxDeleteShare: 0.5, maxDeleteCount: 50 },
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

  it('trips the breaker on a wiped ZooKeeper and deletes nothing', () => {
    const resources = Array.from({ length: 10 }, (_, i) => instance(`i-${i}`, ours(String(i).padStart(10, '0'))));
    const wiped = plan(resources, { references: { nodeIds: new Set() } });
    expect(wiped.toDelete).toEqual([]);
    expect(wiped.breakerTrip).toMatch(/10 of 10 tagged instances/);
    const byCount = plan(resources, { references: { nodeIds: new Set() }, breaker: { maxDeleteShare: 1, maxDeleteCount: 5 } });
    expect(byCount.breakerTrip).toMatch(/more than max-delete-count 5/);
  });

  it('lets a small installation clean its one leaked instance (share rule floor)', () => {
    const result = plan([instance('i-only', ours('0000000099'))]);
    expect(result.breakerTrip).toBeUndefined();
    expect(result.toDelete).toHaveLength(1);
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
