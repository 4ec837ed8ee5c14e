import { CLOUDS, PROFILES } from '../support/clouds.js';
import { totalCalls, type Counters } from '../support/harness.js';
import type { CloudLifecycle } from '../support/lifecycle.js';
import { cloudCells, joined, type Benchmark, type Cell, type Table } from '../support/report.js';
import { cloudOf, LAUNCHER_COUNTS, lightRun, minimumCallsPerNode, throughputRuns } from '../support/scenarios.js';

interface Economy {
  cloud: string;
  scenario: string;
  launchers: number;
  nodes: number;
  perNode: number;
  minimumPerNode: number;
  /** Calls the cloud received that no launcher queue paced (made inside an SDK call, or outside the queue). */
  unpacedPerNode: number;
  byAction: Record<string, { perNode: number; minimum: number; failed: number }>;
  /** Calls the launchers' queues dispatched, per node, by the queue's action name. */
  queuedByAction: Record<string, number>;
}

function economy(run: CloudLifecycle, scenario: 'lifecycle' | 'create phase', launchers: number): Economy {
  const profile = PROFILES[run.cloud];
  const lifecycle = scenario === 'lifecycle';
  // Whole lifecycles: the nodes deleted, listing while anything was going on; create phase: the nodes created while the creates were timed.
  const nodes = Math.max(1, lifecycle ? run.deleted : run.creates.count);
  const calls: Counters = run.calls;
  const minimum = minimumCallsPerNode(profile, { nodes, launchers, withDeletes: lifecycle });
  const byAction: Economy['byAction'] = {};
  for (const action of new Set([...Object.keys(calls), ...Object.keys(minimum)])) {
    const counts = calls[action] ?? {};
    byAction[action] = { perNode: (counts.total ?? 0) / nodes, minimum: minimum[action] ?? 0, failed: ((counts.total ?? 0) - (counts.ok ?? 0)) / nodes };
  }
  const queued = Object.values(run.queued).reduce((a, b) => a + b, 0);
  return {
    cloud: run.cloud,
    scenario,
    launchers,
    nodes,
    perNode: totalCalls(calls) / nodes,
    minimumPerNode: Object.values(minimum).reduce((a, b) => a + b, 0),
    unpacedPerNode: Math.max(0, totalCalls(calls) - queued) / nodes,
    byAction,
    queuedByAction: Object.fromEntries(Object.entries(run.queued).map(([action, n]) => [action, n / nodes])),
  };
}

export const apiEconomy: Benchmark = {
  name: 'api-economy',
  description: 'API calls per node lifecycle (create → ready → used → deleted) against the minimum',
  async run(harness) {
    const results: Economy[] = [];
    for (const launchers of LAUNCHER_COUNTS) {
      for (const run of (await lightRun(harness, launchers)).clouds) results.push(economy(run, 'lifecycle', launchers));
    }
    for (const { launchers, result } of await throughputRuns(harness)) {
      for (const cloud of CLOUDS) results.push(economy(cloudOf(result, cloud), 'create phase', launchers));
    }
    results.sort((a, b) => CLOUDS.indexOf(a.cloud as never) - CLOUDS.indexOf(b.cloud as never));
    const lifecycles = results.filter((e) => e.scenario === 'lifecycle');
    const createPhases = results.filter((e) => e.scenario === 'create phase');
    const rows: Cell[][] = results.map((e) => [e.cloud, e.scenario, e.launchers, e.nodes, e.perNode, e.minimumPerNode, e.perNode / e.minimumPerNode, e.unpacedPerNode]);
    const tables: Table[] = [
      {
        title: 'api-economy: API calls per node against the minimum',
        columns: ['cloud', 'scenario', 'launchers', 'nodes', 'calls/node', 'minimum', 'ratio', 'not paced by a queue'],
        rows,
        notes: [
          'lifecycle: create → ready → used → deleted, at light load (the time-to-ready runs); create phase: the launch-throughput runs, calls while the creates were timed, per node created.',
          'minimum: the calls that make a node (aws 1, azure 3, openstack 2), in a lifecycle its deletes over the batch size (aws 50 per call), and list pages amortised over the nodes: per launcher one listing to see them ready and one to see them gone.',
          'not paced by a queue: calls the cloud received beyond those the launchers\' API queues finished (an SDK making several requests in one queued call;',
          '  in the create phase also the calls still in flight when it was cut off).',
        ],
      },
    ];
    for (const e of results.filter((r) => r.launchers === 1)) {
      const actions = Object.entries(e.byAction).sort(([, a], [, b]) => b.perNode - a.perNode);
      tables.push({
        title: `api-economy: ${e.cloud}, ${e.scenario}, 1 launcher, per node by action`,
        columns: ['action', 'calls/node', 'of which failed', 'minimum'],
        rows: actions.map(([action, a]) => [action, a.perNode, a.failed, a.minimum]),
      });
    }
    return {
      tables,
      json: results,
      snippet: {
        rows: [
          [
            `api-economy, node lifecycle, ${LAUNCHER_COUNTS.join(' / ')} launchers`,
            'API calls per node ÷ minimum (calls per node)',
            ...cloudCells(lifecycles, (_, mine) => `${joined(mine.map((e) => e.perNode / e.minimumPerNode))} (${joined(mine.map((e) => e.perNode), 3)})`),
          ],
          [
            `api-economy, create phase under load, ${LAUNCHER_COUNTS.join(' / ')} launchers`,
            'API calls per node created ÷ minimum',
            ...cloudCells(createPhases, (_, mine) => joined(mine.map((e) => e.perNode / e.minimumPerNode))),
          ],
        ],
      },
    };
  },
};
