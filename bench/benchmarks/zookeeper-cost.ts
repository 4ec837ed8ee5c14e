import type { LifecycleResult } from '../support/lifecycle.js';
import { fmt, type Benchmark, type Cell } from '../support/report.js';
import { LAUNCHER_COUNTS, lightRun, throughputRuns } from '../support/scenarios.js';

/**
 * ZooKeeper operations a launcher needs per node lifecycle (one node per request) by Nodepool's
 * protocol, at the least:
 * - take the request: lock (create contender, list contenders), re-read it, write `pending`: 2 writes, 2 reads;
 * - make the node: create it, lock it (create, list, read under the lock), write `building`: 3 writes, 2 reads;
 * - write the external id, write `ready`; write the request `fulfilled`; unlock node and request: 5 writes;
 * - delete it: lock (create, list, read), write `deleting`, write `deleted`, delete contender, lock
 *   znode and node: 6 writes, 2 reads;
 * - keep the caches current: one watch, one event and one re-read per change of the node (created,
 *   building, external id, ready, in-use, used, deleting, deleted) and of the request (created,
 *   pending, fulfilled, deleted): 12 of each.
 */
const MINIMUM = { reads: 6 + 12, writes: 16, watchesSet: 12, watchEvents: 12 };
/** Issue #20's bounds: per lifecycle at most this × the minimum with one launcher; a second launcher adds at most this share. */
const BOUND = { ratioOneLauncher: 1.5, addedBySecond: 0.2 };
/**
 * The same up to a fulfilled request (no use, no delete): take the request, make the node, write
 * its external id and `ready`, fulfil, unlock; caches: the node created, building, external id,
 * ready, and the request created, pending, fulfilled.
 */
const CREATE_PHASE_MINIMUM = { reads: 4 + 7, writes: 10, watchesSet: 7, watchEvents: 7 };

type Kind = keyof typeof MINIMUM;
const KINDS: Kind[] = ['reads', 'writes', 'watchesSet', 'watchEvents'];
const LABELS: Record<Kind, string> = { reads: 'reads', writes: 'writes', watchesSet: 'watches set', watchEvents: 'watch events' };

function perNode(result: LifecycleResult, createPhase: boolean) {
  const nodes = Math.max(1, result.clouds.reduce((sum, c) => sum + (createPhase ? c.creates.count : c.deleted), 0));
  const ops = Object.fromEntries(KINDS.map((kind) => [kind, result.launchers.reduce((sum, l) => sum + l.zk[kind], 0) / nodes])) as Record<Kind, number>;
  const byOperation: Record<string, number> = {};
  const byPath: Record<string, number> = {};
  for (const l of result.launchers) {
    for (const [op, n] of Object.entries(l.zk.byOperation)) byOperation[op] = (byOperation[op] ?? 0) + n / nodes;
    for (const [path, n] of Object.entries(l.zkPaths)) byPath[path] = (byPath[path] ?? 0) + n / nodes;
  }
  return { nodes, ops, byOperation, byPath };
}

/** The lifecycle figures against issue #20's bounds (reads and writes; watches follow the same changes). */
function boundNotes(lifecycle: Array<{ launchers: number; ops: Record<Kind, number> }>): string[] {
  const one = lifecycle.find((l) => l.launchers === 1);
  const two = lifecycle.find((l) => l.launchers === 2);
  if (!one) return [];
  const kinds: Kind[] = ['reads', 'writes'];
  const lines = [
    `bound: one launcher ≤ ${BOUND.ratioOneLauncher} × the minimum: ${kinds.map((k) => `${LABELS[k]} ${fmt(one.ops[k] / MINIMUM[k], 3)} × (${one.ops[k] / MINIMUM[k] <= BOUND.ratioOneLauncher ? 'met' : 'NOT met'})`).join(', ')}.`,
  ];
  if (two) {
    lines.push(
      `bound: a second launcher adds ≤ ${BOUND.addedBySecond * 100} %: ${kinds.map((k) => `${LABELS[k]} ${fmt((two.ops[k] / one.ops[k] - 1) * 100, 3)} % (${two.ops[k] / one.ops[k] - 1 <= BOUND.addedBySecond ? 'met' : 'NOT met'})`).join(', ')}.`,
    );
  }
  return lines;
}

/** The path patterns with the most operations per node, for the breakdown table. */
const TOP_PATHS = 10;

export const zookeeperCost: Benchmark = {
  name: 'zookeeper-cost',
  description: 'ZooKeeper reads, writes and watches per node lifecycle against the protocol minimum',
  async run(harness) {
    const rows: Cell[][] = [];
    const json: unknown[] = [];
    const lifecycle: Array<{ launchers: number; ops: Record<Kind, number>; byPath: Record<string, number> }> = [];
    const add = (scenario: string, launchers: number, result: LifecycleResult, createPhase: boolean) => {
      const { nodes, ops, byOperation, byPath } = perNode(result, createPhase);
      if (!createPhase) lifecycle.push({ launchers, ops, byPath });
      const minimum = createPhase ? CREATE_PHASE_MINIMUM : MINIMUM;
      rows.push([scenario, launchers, nodes, ...KINDS.flatMap((k) => [ops[k], ops[k] / minimum[k]])]);
      json.push({ scenario, launchers, nodes, perNode: ops, byOperation, byPath, minimum, ratio: Object.fromEntries(KINDS.map((k) => [k, ops[k] / minimum[k]])) });
    };
    for (const launchers of LAUNCHER_COUNTS) add('lifecycle, light load, all clouds', launchers, await lightRun(harness, launchers), false);
    for (const { launchers, result } of await throughputRuns(harness)) add('create phase, throughput, all clouds', launchers, result, true);
    const columns = ['scenario', 'launchers', 'nodes', 'reads/node', 'ratio', 'writes/node', 'ratio', 'watches/node', 'ratio', 'events/node', 'ratio'];
    const paths = [...new Set(lifecycle.flatMap((l) => Object.keys(l.byPath)))]
      .sort((a, b) => Math.max(...lifecycle.map((l) => l.byPath[b] ?? 0)) - Math.max(...lifecycle.map((l) => l.byPath[a] ?? 0)))
      .slice(0, TOP_PATHS);
    return {
      tables: [
        {
          title: 'zookeeper-cost: launcher ZooKeeper operations per node lifecycle against the protocol minimum',
          columns,
          rows,
          notes: [
            `minimum per lifecycle: ${MINIMUM.reads} reads, ${MINIMUM.writes} writes, ${MINIMUM.watchesSet} watches set, ${MINIMUM.watchEvents} watch events; per create phase: ${CREATE_PHASE_MINIMUM.reads}, ${CREATE_PHASE_MINIMUM.writes}, ${CREATE_PHASE_MINIMUM.watchesSet}, ${CREATE_PHASE_MINIMUM.watchEvents} (see zookeeper-cost.ts).`,
            'All launchers summed, per node deleted (lifecycle) or created while the creates were timed (create phase).',
            ...boundNotes(lifecycle),
          ],
        },
        {
          title: `zookeeper-cost: where a lifecycle's operations go (light load; the ${TOP_PATHS} busiest operation and path patterns, # an id)`,
          columns: ['operation and path', ...lifecycle.map((l) => `${l.launchers} launcher${l.launchers > 1 ? 's' : ''} /node`)],
          rows: paths.map((path) => [path, ...lifecycle.map((l) => l.byPath[path] ?? 0)]),
        },
      ],
      json: { minimum: MINIMUM, createPhaseMinimum: CREATE_PHASE_MINIMUM, runs: json },
      snippet: {
        bullets: [
          `zookeeper-cost: per node lifecycle (light load), ${lifecycle
            .map((l) => `${l.launchers} launcher${l.launchers > 1 ? 's' : ''}: ${KINDS.map((k) => `${fmt(l.ops[k], 3)} ${LABELS[k]}`).join(', ')} (${KINDS.map((k) => fmt(l.ops[k] / MINIMUM[k], 2)).join(', ')} × the protocol minimum)`)
            .join('; ')}.`,
        ],
      },
    };
  },
};
