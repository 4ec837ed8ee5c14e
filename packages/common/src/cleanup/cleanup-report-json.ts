import type { BreakerEvidence } from './breaker-evidence.js';
import { decisionAction } from './cleanup-report-table.js';
import type { CleanupReport } from './leak-cleanup-worker.js';
import type { LeakRule } from './leak-rules.js';

/** One pass as `cloudpool cleanup --json` prints it (one line per pass and provider). */
export interface CleanupReportJson {
  provider: string;
  /** ISO 8601. */
  startedAt: string;
  dryRun: boolean;
  aborted?: string;
  breakerTrip?: string;
  /** The evidence the breaker tripped on (see `BreakerEvidence`). */
  evidence?: BreakerEvidence[];
  /** Leaked resources left for later passes by `max-delete-count`. */
  paced: number;
  sightingsNotSaved?: string;
  /** Every resource considered, with the rule that decided and what was done (as in the table). */
  resources: Array<{ type: string; id: string; ageSeconds: number; rule: LeakRule; action: string }>;
  /** How many resources were deleted. */
  deleted: number;
  failed: Array<{ type: string; id: string; error: string }>;
}

/** The JSON form of a pass; the same facts as `formatCleanupReport`. */
export function cleanupReportJson(report: CleanupReport): CleanupReportJson {
  return {
    provider: report.provider,
    startedAt: new Date(report.startedAt).toISOString(),
    dryRun: report.dryRun,
    ...(report.aborted ? { aborted: report.aborted } : {}),
    ...(report.breakerTrip ? { breakerTrip: report.breakerTrip } : {}),
    ...(report.evidence ? { evidence: report.evidence } : {}),
    paced: report.paced.length,
    ...(report.sightingsNotSaved ? { sightingsNotSaved: report.sightingsNotSaved } : {}),
    resources: report.decisions.map((d) => ({
      type: d.resource.type,
      id: d.resource.id,
      ageSeconds: Math.max(0, Math.round(d.ageMs / 1000)),
      rule: d.rule,
      action: decisionAction(report, d),
    })),
    deleted: report.deleted.length,
    failed: report.failed.map(({ resource, error }) => ({ type: resource.type, id: resource.id, error })),
  };
}
