import type { CleanupReport } from './leak-cleanup-worker.js';
import { TAG } from '../driver/tags.js';
import type { EvidenceKind } from './breaker-evidence.js';
import { resourceKey, type LeakRule } from './leak-rules.js';

/**
 * Why a leak candidate was not deleted: the leak rule that spared it (`protected`,
 * `first-sighting`, `too-young`), or, for one every rule let go, the tripped breaker, pacing
 * (`max-delete-count`: a later pass deletes it) or a dry run.
 */
export type SpareReason = Exclude<LeakRule, 'leaked' | 'not-ours' | 'no-reference' | 'in-use'> | 'breaker' | 'paced' | 'dry-run';

/** What a pass did with the leak candidates of one resource type. */
export interface CleanupTypeCounts {
  /** Resources of ours whose node (or upload) is gone from ZooKeeper. */
  candidates: number;
  deleted: number;
  /** Deletes the cloud refused. */
  failed: number;
  spared: Partial<Record<SpareReason, number>>;
}

/** One leak-cleanup pass in numbers, for metrics and the dashboard. */
export interface CleanupSummary {
  provider: string;
  /** Epoch ms. */
  startedAt: number;
  dryRun: boolean;
  /** Why the pass read nothing through and deleted nothing. */
  aborted?: string;
  /** Why the breaker (evidence) or the share stop stopped the pass. */
  breakerTrip?: string;
  /** The kinds of evidence the breaker holds (see `EvidenceKind`), when it tripped on evidence. */
  evidenceKinds?: EvidenceKind[];
  /** Instances of this provider tagged with another installation's system id, by that id (see `otherInstallations`). */
  otherInstallations: Record<string, number>;
  /** By resource type (`instance`, `volume`, `floating-ip`...). */
  byType: Record<string, CleanupTypeCounts>;
}

const CANDIDATE_RULES: ReadonlySet<LeakRule> = new Set(['protected', 'first-sighting', 'too-young', 'leaked']);

/** Counts a report's leak candidates by type and by what became of them. */
export function summarizeCleanup(report: CleanupReport): CleanupSummary {
  const deleted = new Set(report.deleted.map(resourceKey));
  const paced = new Set(report.paced.map(resourceKey));
  const failed = new Set(report.failed.map((f) => resourceKey(f.resource)));
  const byType: Record<string, CleanupTypeCounts> = {};
  for (const { resource, rule } of report.decisions) {
    if (!CANDIDATE_RULES.has(rule)) continue;
    const counts = (byType[resource.type] ??= { candidates: 0, deleted: 0, failed: 0, spared: {} });
    counts.candidates += 1;
    const key = resourceKey(resource);
    if (deleted.has(key)) counts.deleted += 1;
    else if (failed.has(key)) counts.failed += 1;
    else {
      const reason: SpareReason = rule !== 'leaked' ? (rule as SpareReason) : report.breakerTrip ? 'breaker' : paced.has(key) ? 'paced' : 'dry-run';
      counts.spared[reason] = (counts.spared[reason] ?? 0) + 1;
    }
  }
  return {
    provider: report.provider,
    startedAt: report.startedAt,
    dryRun: report.dryRun,
    ...(report.aborted ? { aborted: report.aborted } : {}),
    ...(report.breakerTrip ? { breakerTrip: report.breakerTrip } : {}),
    ...(report.evidence ? { evidenceKinds: [...new Set(report.evidence.map((e) => e.kind))] } : {}),
    otherInstallations: otherInstallations(report),
    byType,
  };
}

/**
 * Instances carrying this provider's tag but another installation's `cloudpool_system_id`, by
 * that id. Another installation sharing the account is normal; instances of an id that no
 * running installation has are what a lost installation id leaves (see the launcher's start).
 */
export function otherInstallations(report: CleanupReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { resource, rule } of report.decisions) {
    const systemId = resource.tags[TAG.systemId];
    if (rule !== 'not-ours' || resource.type !== 'instance' || systemId === undefined || resource.tags[TAG.providerName] !== report.provider) continue;
    counts[systemId] = (counts[systemId] ?? 0) + 1;
  }
  return counts;
}

/**
 * The counter increments of one pass under statsd names, as Nodepool names its stats
 * (`<type>s` is Nodepool's plural of a resource type, e.g. `instances`, `floating-ips`):
 *
 * | name | counts |
 * |---|---|
 * | `nodepool.provider.<provider>.leaked.<type>s` | leaked resources deleted (Nodepool's own name) |
 * | `nodepool.provider.<provider>.cleanup.passes` | passes run |
 * | `nodepool.provider.<provider>.cleanup.aborted_passes` | passes a failed read stopped (nothing deleted) |
 * | `nodepool.provider.<provider>.cleanup.breaker_trips` | passes the breaker (evidence) or the share stop stopped |
 * | `nodepool.provider.<provider>.cleanup.breaker_evidence.<kind>` | passes stopped by a tripped breaker holding evidence of this kind |
 * | `nodepool.provider.<provider>.cleanup.candidates.<type>s` | resources of ours whose node is gone |
 * | `nodepool.provider.<provider>.cleanup.spared.<reason>.<type>s` | candidates not deleted, by `SpareReason` |
 * | `nodepool.provider.<provider>.cleanup.delete_failed.<type>s` | deletes the cloud refused |
 *
 * Counters that did not move in the pass are left out.
 */
export function statsdCounters(summary: CleanupSummary): Map<string, number> {
  const base = `nodepool.provider.${summary.provider}`;
  const counters = new Map<string, number>([[`${base}.cleanup.passes`, 1]]);
  const add = (name: string, value: number) => {
    if (value > 0) counters.set(name, (counters.get(name) ?? 0) + value);
  };
  add(`${base}.cleanup.aborted_passes`, summary.aborted ? 1 : 0);
  add(`${base}.cleanup.breaker_trips`, summary.breakerTrip ? 1 : 0);
  for (const kind of summary.evidenceKinds ?? []) add(`${base}.cleanup.breaker_evidence.${kind}`, 1);
  for (const [type, counts] of Object.entries(summary.byType)) {
    const plural = `${type}s`;
    add(`${base}.leaked.${plural}`, counts.deleted);
    add(`${base}.cleanup.candidates.${plural}`, counts.candidates);
    add(`${base}.cleanup.delete_failed.${plural}`, counts.failed);
    for (const [reason, count] of Object.entries(counts.spared)) add(`${base}.cleanup.spared.${reason}.${plural}`, count);
  }
  return counters;
}

/** Totals of the counters of `statsdCounters` over every pass recorded. */
export class CleanupStats {
  private readonly totals = new Map<string, number>();

  /** Adds one pass. */
  record(report: CleanupReport): void {
    for (const [name, value] of statsdCounters(summarizeCleanup(report))) this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  /** Every counter that moved, by name, sorted. */
  snapshot(): Map<string, number> {
    return new Map([...this.totals].sort(([a], [b]) => a.localeCompare(b)));
  }
}
