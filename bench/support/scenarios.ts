import { CLOUDS, createCallsPerNode, PROFILES, RATE, type CloudName, type CloudProfile } from './clouds.js';
import type { Harness } from './harness.js';
import { runLifecycle, sharedLifecycle, type CloudLifecycle, type CreateSeries, type LifecycleResult } from './lifecycle.js';

/**
 * Nodes per cloud in the throughput runs: issue #20's 500, or `BENCH_THROUGHPUT_NODES` for a
 * shorter run (the figures then say which N they are from).
 */
export const TARGET_NODES = nodeCount(process.env.BENCH_THROUGHPUT_NODES) ?? 500;

function nodeCount(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_THROUGHPUT_NODES must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
}

/** A throughput run's options: TARGET_NODES creates per cloud as fast as the backlog allows, only the creates timed. */
function createsOnlyRun(clouds: CloudName[], launchers: number): Parameters<typeof runLifecycle>[1] {
  return {
    clouds,
    launchers,
    nodes: TARGET_NODES,
    backlog: THROUGHPUT_BACKLOG,
    submitForMs: THROUGHPUT_CAP_MS,
    createsOnly: true,
    readyTimeoutMs: THROUGHPUT_CAP_MS,
    deleteTimeoutMs: 0,
  };
}

/** Seconds the issue allows beyond N ÷ rate for N creates (the pipeline filling, the last create's latency). */
export const BUDGET_SLACK_S = 2;

export interface BudgetRun {
  cloud: CloudName;
  launchers: number;
  result: LifecycleResult;
}

/**
 * The throughput runs at the API budget: each cloud and launcher count in a run of its own, one
 * after the other (a simulator process and launcher processes of its own, nothing else of the
 * benchmark running), TARGET_NODES creates as fast as the backlog allows; each result carries the
 * machine's idle share over the run.
 */
export function budgetRuns(harness: Harness): Promise<BudgetRun[]> {
  return harness.once('budget', async () => {
    const runs: BudgetRun[] = [];
    for (const cloud of CLOUDS) {
      for (const launchers of LAUNCHER_COUNTS) {
        const result = await runLifecycle(harness.scope(), createsOnlyRun([cloud], launchers));
        runs.push({ cloud, launchers, result });
      }
    }
    return runs;
  });
}
/**
 * The most a throughput run may take: the three clouds are launched on at once (each provider
 * has its own API budget), and the runs with one and with two launchers side by side, each on
 * simulators of its own; a cloud that has not created TARGET_NODES by then is measured on the
 * nodes it created.
 */
export const THROUGHPUT_CAP_MS = 330_000;
/** Creates are counted from here to the last create: by then the launchers' pipelines are full. */
export const STEADY_FROM_MS = 10_000;
/**
 * Requests submitted but not yet created at the cloud, kept waiting so that the launchers always
 * have work to send: several seconds of the budget (an OpenStack node makes 2 calls before its
 * server, an Azure node 2 before its VM), yet few enough that the pipeline fills within STEADY_FROM_MS.
 */
export const THROUGHPUT_BACKLOG: Record<CloudName, number> = { aws: 100, azure: 30, openstack: 40 };
export const LAUNCHER_COUNTS = [1, 2] as const;

export interface ThroughputRun {
  launchers: number;
  result: LifecycleResult;
}

/**
 * The throughput scenarios: per launcher count, requests for every cloud at once as fast as the
 * backlogs allow, until TARGET_NODES per cloud are created or THROUGHPUT_CAP_MS ends; only the
 * creates are timed (the nodes are left to the killed launchers: the light scenario times whole
 * lifecycles). The launcher counts run side by side on simulators (and API budgets) of their own.
 */
export function throughputRuns(harness: Harness): Promise<ThroughputRun[]> {
  return harness.once('throughput', () =>
    Promise.all(
      LAUNCHER_COUNTS.map(async (launchers) => ({
        launchers,
        result: await runLifecycle(harness.scope(), createsOnlyRun([...CLOUDS], launchers)),
      })),
    ),
  );
}

/** One cloud's share of a throughput run. */
export function cloudOf(result: LifecycleResult, cloud: CloudName): CloudLifecycle {
  const run = result.clouds.find((c) => c.cloud === cloud);
  if (!run) throw new Error(`the throughput run has no ${cloud} results`);
  return run;
}

export const LIGHT_NODES = 10;
export const LIGHT_RATE = 1;

/**
 * The light-load scenario: every cloud at once, LIGHT_RATE requests per second each (far below
 * any budget), each node released as soon as its request is fulfilled.
 */
export function lightRun(harness: Harness, launchers: number): Promise<LifecycleResult> {
  return sharedLifecycle(harness, `light-${launchers}`, {
    clouds: [...CLOUDS],
    launchers,
    nodes: LIGHT_NODES,
    submitPerSecond: LIGHT_RATE,
    releaseAtOnce: true,
    readyTimeoutMs: 90_000,
    deleteTimeoutMs: 60_000,
  });
}

/** Pages of one listing of `instances` (at least one). */
export function pages(instances: number, pageSize = 1000): number {
  return Math.max(1, Math.ceil(instances / pageSize));
}

/**
 * The bounds on node creates per second, from the API budget:
 * - raw: the whole rate spent on the calls that make nodes;
 * - create-only: what is left for them once the calls that must share the budget are paid:
 *   each launcher lists once per second to see nodes become ready (one page of each list
 *   action), from its own rate; and the cloud admits RATE writes per second however many
 *   launchers send them.
 */
export function createBounds(profile: CloudProfile, launchers: number, instances: number): { raw: number; createOnly: number; listPerSecond: number } {
  const perNode = createCallsPerNode(profile);
  const listPerSecond = launchers * profile.minimum.list.length * pages(instances);
  const forCreates = Math.min(launchers * RATE - listPerSecond, RATE);
  return { raw: RATE / perNode, createOnly: forCreates / perNode, listPerSecond };
}

/**
 * Creates per second in steady state, as the cloud saw them: from STEADY_FROM_MS (or a third of
 * the way, in a short run) to the last create seen.
 */
export function steadyCreateRate(creates: CreateSeries): { perSecond: number; fromMs: number; toMs: number; creates: number } {
  const end = creates.lastMs;
  const from = creates.series.find(([ms]) => ms >= Math.min(STEADY_FROM_MS, end / 3)) ?? [0, 0];
  const to = [...creates.series].reverse().find(([ms]) => ms <= end) ?? from;
  const count = to[1] - from[1];
  return { perSecond: to[0] > from[0] ? count / ((to[0] - from[0]) / 1000) : NaN, fromMs: from[0], toMs: to[0], creates: count };
}

/**
 * The minimum calls per node on a cloud, by action (see `MinimumCalls`): the calls that make it,
 * with `withDeletes` its deletes over the batch size, and list pages amortised over the `nodes`
 * nodes: each launcher lists once to see its nodes ready and, with `withDeletes`, once to see
 * them gone.
 */
export function minimumCallsPerNode(profile: CloudProfile, options: { nodes: number; launchers: number; withDeletes: boolean }): Record<string, number> {
  const { nodes, launchers, withDeletes } = options;
  const minimum: Record<string, number> = { ...profile.minimum.create };
  if (withDeletes) {
    for (const [action, n] of Object.entries(profile.minimum.delete)) minimum[action] = (minimum[action] ?? 0) + n / profile.minimum.deleteBatch;
  }
  const listings = launchers * (withDeletes ? 2 : 1);
  for (const action of profile.minimum.list) minimum[action] = (minimum[action] ?? 0) + (listings * pages(nodes)) / Math.max(1, nodes);
  return minimum;
}

export { PROFILES, CLOUDS };
