import { describe, expect, it } from 'vitest';
import { CleanupStats, cleanupReportJson, statsdCounters, summarizeCleanup, TAG, type CleanupReport, type CloudResource, type LeakRule } from '@cloudpool/common';

const resource = (type: string, id: string): CloudResource => ({ type, id, tags: { [TAG.nodeId]: '0000000009' } });
const decision = (r: CloudResource, rule: LeakRule) => ({ resource: r, rule, ageMs: 90_000 });

function report(overrides: Partial<CleanupReport> = {}): CleanupReport {
  const [gone, failed, young, first, theirs, used] = [
    resource('instance', 'i-1'),
    resource('floating-ip', 'f-1'),
    resource('volume', 'v-1'),
    resource('volume', 'v-2'),
    resource('instance', 'i-2'),
    resource('instance', 'i-3'),
  ];
  return {
    provider: 'os',
    startedAt: 0,
    dryRun: false,
    deferred: [],
    paced: [],
    decisions: [
      decision(gone, 'leaked'),
      decision(failed, 'leaked'),
      decision(young, 'too-young'),
      decision(first, 'first-sighting'),
      decision(theirs, 'not-ours'),
      decision(used, 'in-use'),
    ],
    deleted: [gone],
    failed: [{ resource: failed, error: 'HTTP 409' }],
    ...overrides,
  };
}

describe('cleanup counters', () => {
  it('counts candidates by type and what became of them, under statsd names', () => {
    expect(Object.fromEntries(statsdCounters(summarizeCleanup(report())))).toEqual({
      'nodepool.provider.os.cleanup.passes': 1,
      'nodepool.provider.os.leaked.instances': 1,
      'nodepool.provider.os.cleanup.candidates.instances': 1,
      'nodepool.provider.os.cleanup.candidates.floating-ips': 1,
      'nodepool.provider.os.cleanup.delete_failed.floating-ips': 1,
      'nodepool.provider.os.cleanup.candidates.volumes': 2,
      'nodepool.provider.os.cleanup.spared.too-young.volumes': 1,
      'nodepool.provider.os.cleanup.spared.first-sighting.volumes': 1,
    });
  });

  it('totals passes, aborted passes, breaker trips and dry runs', () => {
    const stats = new CleanupStats();
    stats.record(report());
    stats.record(report({ deleted: [], failed: [], breakerTrip: 'would delete 2 of 2 tagged instances' }));
    stats.record(report({ deleted: [], failed: [], dryRun: true }));
    stats.record({ provider: 'os', startedAt: 0, dryRun: false, aborted: 'read failed', decisions: [], deleted: [], failed: [], deferred: [], paced: [] });
    const totals = stats.snapshot();
    expect(totals.get('nodepool.provider.os.cleanup.passes')).toBe(4);
    expect(totals.get('nodepool.provider.os.cleanup.aborted_passes')).toBe(1);
    expect(totals.get('nodepool.provider.os.cleanup.breaker_trips')).toBe(1);
    expect(totals.get('nodepool.provider.os.leaked.instances')).toBe(1);
    expect(totals.get('nodepool.provider.os.cleanup.spared.breaker.instances')).toBe(1);
    expect(totals.get('nodepool.provider.os.cleanup.spared.dry-run.floating-ips')).toBe(1);
    expect(totals.get('nodepool.provider.os.cleanup.candidates.volumes')).toBe(6);
    expect([...totals.keys()]).toEqual([...totals.keys()].sort());
  });

  it('gives the JSON view of a pass the table has', () => {
    expect(cleanupReportJson(report({ breakerTrip: 'too many' }))).toMatchObject({
      provider: 'os',
      startedAt: '1970-01-01T00:00:00.000Z',
      breakerTrip: 'too many',
      deleted: 1,
      failed: [{ type: 'floating-ip', id: 'f-1', error: 'HTTP 409' }],
      resources: [
        { type: 'instance', id: 'i-1', ageSeconds: 90, rule: 'leaked', action: 'deleted' },
        { type: 'floating-ip', id: 'f-1', rule: 'leaked', action: 'delete failed' },
        { type: 'volume', id: 'v-1', rule: 'too-young', action: 'spare (too young)' },
        { type: 'volume', id: 'v-2', rule: 'first-sighting', action: 'spare (wait a pass)' },
        { type: 'instance', id: 'i-2', rule: 'not-ours', action: 'spare' },
        { type: 'instance', id: 'i-3', rule: 'in-use', action: 'spare' },
      ],
    });
  });
});
