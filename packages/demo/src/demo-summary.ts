import type { CallCounters } from '@cloudpool/simulator';
import { renderTable } from '@cloudpool/launcher';

/** One cloud's part of the demo. */
export interface CloudSummary {
  cloud: string;
  provider: string;
  /** Calls the simulator received from cloudpool, and how many of them it throttled. */
  apiCalls: number;
  throttled: number;
  leaksPlanted: number;
  leaksDeleted: number;
  foreignPlanted: number;
  /** Foreign resources cleanup still listed, and spared, after deleting every leak. */
  foreignSpared: number;
}

/** What `cloudpool demo` did, printed at the end (as JSON with `--json`). */
export interface DemoSummary {
  ok: boolean;
  /** Set when a step failed: `step N (title): why`. */
  failure?: string;
  elapsedSeconds: number;
  dashboardUrl?: string;
  /** The launcher's log, kept after the demo. */
  logFile?: string;
  requests: { submitted: number; fulfilled: number; failed: number };
  nodes: { launched: number; deleted: number };
  clouds: CloudSummary[];
  /** Every loopback port the demo listened on; all are closed when it returns. */
  ports: Record<string, number>;
}

/** Calls a simulator received, all outcomes, and those it throttled. */
export function callTotals(counters: CallCounters): { apiCalls: number; throttled: number } {
  let apiCalls = 0;
  let throttled = 0;
  for (const counts of Object.values(counters.snapshot())) {
    apiCalls += counts.total ?? 0;
    throttled += counts.throttled ?? 0;
  }
  return { apiCalls, throttled };
}

/** The summary for the terminal: the totals, then one row per cloud. */
export function formatSummary(summary: DemoSummary): string {
  const sum = (pick: (c: CloudSummary) => number) => summary.clouds.reduce((total, c) => total + pick(c), 0);
  const lines = [
    `${summary.ok ? 'Done' : 'FAILED'} in ${summary.elapsedSeconds.toFixed(1)} s${summary.failure ? `: ${summary.failure}` : ''}`,
    `requests fulfilled  ${summary.requests.fulfilled} of ${summary.requests.submitted}`,
    `nodes               ${summary.nodes.launched} launched, ${summary.nodes.deleted} deleted`,
    `leaks deleted       ${sum((c) => c.leaksDeleted)} of ${sum((c) => c.leaksPlanted)}`,
    `foreign spared      ${sum((c) => c.foreignSpared)} of ${sum((c) => c.foreignPlanted)}`,
  ];
  const columns = [
    { key: 'cloud', header: 'Cloud' },
    { key: 'provider', header: 'Provider' },
    { key: 'apiCalls', header: 'API calls' },
    { key: 'throttled', header: 'Throttled' },
    { key: 'leaks', header: 'Leaks deleted' },
    { key: 'foreign', header: 'Foreign spared' },
  ];
  const rows = summary.clouds.map((c) => ({
    ...c,
    leaks: `${c.leaksDeleted} of ${c.leaksPlanted}`,
    foreign: `${c.foreignSpared} of ${c.foreignPlanted}`,
  }));
  return `${lines.join('\n')}\n${renderTable(columns, rows)}`;
}
