import { decisionAction, type CleanupReport } from '@cloudpool/common';
import { renderTable } from '@cloudpool/launcher';
import type { PlantedResource } from './demo-leaks.js';

/* How the leak-cleanup step looks in the terminal. Azure ids are whole ARM paths: shown by their last segment. */

const PLANTED_COLUMNS = [
  { key: 'cloud', header: 'Cloud' },
  { key: 'kind', header: 'Planted' },
  { key: 'resource', header: 'Resource' },
  { key: 'reason', header: 'Why' },
];

/** What the demo planted, one row per resource; `cloudOf(provider)` names the cloud. */
export function plantedTable(planted: readonly PlantedResource[], cloudOf: (provider: string) => string): string {
  const rows = planted.map((p) => ({ cloud: cloudOf(p.provider), kind: p.kind, resource: `${p.type} ${shortId(p.id)}`, reason: p.reason }));
  return renderTable(PLANTED_COLUMNS, rows);
}

/** How many resources a pass decided each way, and what it deleted. */
export function passDetail(report: CleanupReport): string {
  if (report.aborted) return report.aborted;
  const rules = Object.entries(countBy(report.decisions.map((d) => d.rule))).map(([rule, n]) => `${n} ${rule}`);
  const done = [report.deleted.length ? `deleted ${report.deleted.length}` : '', report.failed.length ? `${report.failed.length} delete failed` : ''];
  return [rules.join(', '), ...done].filter(Boolean).join('; ');
}

/** A pass's decisions (as `formatCleanupReport`, with short ids) and its failed deletes. */
export function cleanupTable(report: CleanupReport): string {
  const columns = [
    { key: 'resource', header: 'Resource' },
    { key: 'rule', header: 'Rule' },
    { key: 'action', header: 'Action' },
  ];
  const rows = report.decisions.map((d) => ({ resource: `${d.resource.type} ${shortId(d.resource.id)}`, rule: d.rule, action: decisionAction(report, d) }));
  const failures = report.failed.map(({ resource, error }) => `delete of ${resource.type} ${shortId(resource.id)} failed: ${firstSentence(error)}`);
  return [renderTable(columns, rows), ...failures].join('\n');
}

/** The last segment of an ARM id (Azure's ids are whole paths); other clouds' ids as they are. */
function shortId(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** A cloud's error message cut to its first sentence, with ARM ids shortened. */
function firstSentence(message: string): string {
  return message.replace(/\/subscriptions\/\S+/g, shortId).split('. ')[0]!;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
