import type { CleanupReport } from './leak-cleanup-worker.js';
import { resourceKey, type LeakDecision } from './leak-rules.js';

const ACTION: Record<string, string> = {
  leaked: 'delete',
  'not-ours': 'spare',
  'no-reference': 'spare',
  'in-use': 'spare',
  protected: 'spare',
  'first-sighting': 'spare (wait a pass)',
  'too-young': 'spare (too young)',
};

/** What the pass did, or would do, with the resource of a decision. */
export function decisionAction(report: CleanupReport, decision: LeakDecision): string {
  if (report.deleted.includes(decision.resource)) return 'deleted';
  if (report.failed.some((f) => f.resource === decision.resource)) return 'delete failed';
  if (report.deferred.includes(decision.resource)) return 'next pass (its instance goes first)';
  if (report.breakerTrip && decision.rule === 'leaked') return 'spare (breaker tripped)';
  if (report.paced.includes(decision.resource)) return 'later pass (max-delete-count)';
  return ACTION[decision.rule] ?? decision.rule;
}

/** A terminal table of a pass: every resource considered, its age, the rule that decided, and the action. */
export function formatCleanupReport(report: CleanupReport): string {
  const header = `provider ${report.provider}${report.dryRun ? ' (dry run: nothing deleted)' : ''}`;
  if (report.aborted) return `${header}\n  aborted: ${report.aborted}`;
  const rows = report.decisions.map((d) => [resourceKey(d.resource), formatAge(d.ageMs), d.rule, decisionAction(report, d)]);
  const table = [['resource', 'age', 'rule', 'action'], ...rows];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  const lines = table.map((row) => '  ' + row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
  if (report.evidence) {
    lines.push(`  breaker tripped, nothing deleted: ${report.breakerTrip}`);
    for (const { kind, detail } of report.evidence) lines.push(`    ${kind}: ${detail}`);
  } else if (report.breakerTrip) {
    lines.push(`  share stop, nothing deleted: ${report.breakerTrip} (max-delete-share; --force overrides it)`);
  }
  if (report.paced.length > 0 && !report.breakerTrip) lines.push(`  ${report.paced.length} leaked resources left for later passes (max-delete-count)`);
  for (const { resource, error } of report.failed) lines.push(`  delete of ${resourceKey(resource)} failed: ${error}`);
  if (report.sightingsNotSaved) lines.push(`  sightings not stored, the next pass starts from older ones: ${report.sightingsNotSaved}`);
  return [header, ...lines].join('\n');
}

function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}
