import { CLOUDS, PROFILES, RATE } from '../support/clouds.js';
import { cloudCells, fmt, joined, type Benchmark, type Cell } from '../support/report.js';
import {
  budgetRuns,
  BUDGET_SLACK_S,
  cloudOf,
  createBounds,
  LAUNCHER_COUNTS,
  STEADY_FROM_MS,
  steadyCreateRate,
  TARGET_NODES,
  THROUGHPUT_BACKLOG,
  THROUGHPUT_CAP_MS,
  throughputRuns,
} from '../support/scenarios.js';

/** The bound on (N ÷ R + 2 s) ÷ the time N creates take. */
const BUDGET_RATIO_BOUND = 0.9;

/** Nodepool's AWS driver, measured the same way, reached about this share of its bound. */
const NODEPOOL_AWS_RATIO = 0.3;

export const launchThroughput: Benchmark = {
  name: 'launch-throughput',
  description: `node creates per second against the rate bound (rate ${RATE}/s per provider)`,
  async run(harness) {
    const budget: Array<Record<string, unknown> & { cloud: string; launchers: number; nodes: number; ratio: number; idleShare: number }> = [];
    const budgetRows: Cell[][] = [];
    for (const { cloud, launchers, result } of await budgetRuns(harness)) {
      const run = cloudOf(result, cloud);
      const bounds = createBounds(PROFILES[cloud], launchers, run.creates.count);
      const seconds = run.creates.lastMs / 1000;
      const boundSeconds = run.creates.count / bounds.createOnly + BUDGET_SLACK_S;
      const ratio = boundSeconds / seconds;
      const idleShare = result.machine.idleShare;
      budgetRows.push([cloud, launchers, run.creates.count, seconds, boundSeconds, ratio, bounds.createOnly, `${fmt(idleShare * 100, 2)} %`, run.throttles, run.failedLaunches.length]);
      budget.push({ cloud, launchers, nodes: run.creates.count, seconds, boundSeconds, ratio, createOnlyPerSecond: bounds.createOnly, idleShare, cores: result.machine.cores, throttles: run.throttles, failedLaunches: run.failedLaunches, creates: run.creates, calls: run.calls });
    }
    const budgetNotes = [
      `N creates (target ${TARGET_NODES} per run${TARGET_NODES === 500 ? '' : '; the issue asks for 500: BENCH_THROUGHPUT_NODES set a shorter run'}) as fast as the backlog allows; time: from the clock's start to the last create the cloud saw.`,
      `bound: N ÷ R + ${BUDGET_SLACK_S} s, R the create-only bound below (create latency 1 s); ratio: bound ÷ time, target ≥ ${BUDGET_RATIO_BOUND}.`,
      'Each cloud and launcher count in a run of its own, one after the other: its simulator in a process of its own, its launchers in theirs;',
      '  machine idle: share of all cores idle over the run (about 0 % means the figure measures CPU contention too).',
    ];
    const rows: Cell[][] = [];
    const notes: string[] = [];
    const runs: Array<{ cloud: string; launchers: number; nodes: number; achievedPerSecond: number; bounds: { raw: number; createOnly: number } } & Record<string, unknown>> = [];
    const throughput = await throughputRuns(harness);
    for (const cloud of CLOUDS) {
      for (const { launchers, result } of throughput) {
        const run = cloudOf(result, cloud);
        const bounds = createBounds(PROFILES[cloud], launchers, run.creates.count);
        const steady = steadyCreateRate(run.creates);
        const achieved = steady.perSecond;
        rows.push([
          cloud,
          launchers,
          run.creates.count,
          run.creates.lastMs / 1000,
          achieved,
          bounds.raw,
          bounds.createOnly,
          achieved / bounds.raw,
          achieved / bounds.createOnly,
          run.throttles,
          run.failedLaunches.length,
        ]);
        if (run.creates.count < TARGET_NODES) {
          notes.push(`${cloud}, ${launchers} launcher(s): ${run.creates.count} of ${TARGET_NODES} nodes created within the ${THROUGHPUT_CAP_MS / 1000} s cap.`);
        }
        runs.push({ cloud, launchers, nodes: run.creates.count, submitted: run.submitted, creates: run.creates, steady, achievedPerSecond: achieved, bounds, throttles: run.throttles, failedLaunches: run.failedLaunches });
      }
    }
    const perLauncher = throughput.map(({ launchers, result }) => ({ launchers, launcherStats: result.launchers }));
    notes.push(
      `creates/s: node creates completed at the cloud (${CLOUDS.map((c) => PROFILES[c].createAction).join(', ')}) from ${STEADY_FROM_MS / 1000} s to the last one,`,
      `  all three clouds at once (one provider each, each with its own budget), with ${CLOUDS.map((c) => THROUGHPUT_BACKLOG[c]).join(', ')} requests kept waiting (aws, azure, openstack);`,
      `  the one- and two-launcher runs side by side on simulators of their own (the machine's CPU is shared by both).`,
      `raw bound: the whole rate spent on node creates (calls per node: aws 1, azure 3, openstack 2); create-only bound: the rate left once each launcher lists once per second, and at most the cloud's ${RATE} writes/s.`,
      `Nodepool's AWS driver reached about ${NODEPOOL_AWS_RATIO} of its bound.`,
    );
    const columns = ['cloud', 'launchers', 'nodes', 'last create (s)', 'creates/s', 'raw bound', 'create-only bound', 'ratio raw', 'ratio create-only', 'throttled', 'failed launches'];
    return {
      tables: [
        {
          title: `launch-throughput at the API budget: N creates against N ÷ R + ${BUDGET_SLACK_S} s, each cloud and launcher count on its own`,
          columns: ['cloud', 'launchers', 'nodes', 'time (s)', 'bound (s)', 'bound ÷ time', 'R: create-only bound (creates/s)', 'machine idle', 'throttled', 'failed launches'],
          rows: budgetRows,
          notes: budgetNotes,
        },
        { title: 'launch-throughput, stress: the three clouds and both launcher counts at once, node creates per second against the rate bound', columns, rows, notes },
      ],
      json: { rate: RATE, capMs: THROUGHPUT_CAP_MS, targetNodes: TARGET_NODES, budgetRatioBound: BUDGET_RATIO_BOUND, budget, nodepoolAwsRatio: NODEPOOL_AWS_RATIO, runs, perLauncher },
      snippet: {
        rows: [
          [
            `launch-throughput at the budget, N = ${TARGET_NODES}, ${LAUNCHER_COUNTS.join(' / ')} launchers, each run on its own`,
            `(N ÷ R + ${BUDGET_SLACK_S} s) ÷ time of N creates, target ≥ ${BUDGET_RATIO_BOUND} (machine idle %)`,
            ...cloudCells(budget, (_, mine) => `${joined(mine.map((r) => r.ratio))} (${joined(mine.map((r) => r.idleShare * 100), 2)})`),
          ],
          [
            `launch-throughput, stress (all at once), ${LAUNCHER_COUNTS.join(' / ')} launchers`,
            'creates/s ÷ create-only bound (creates/s)',
            ...cloudCells(runs, (_, mine) => `${joined(mine.map((r) => r.achievedPerSecond / r.bounds.createOnly))} (${joined(mine.map((r) => r.achievedPerSecond), 2)})`),
          ],
        ],
        bullets: [
          `launch-throughput: ${runs.map((r) => r.nodes).join(', ')} nodes (aws, azure, openstack × ${LAUNCHER_COUNTS.join(', ')} launchers; target ${TARGET_NODES} each, cap ${THROUGHPUT_CAP_MS / 1000} s), the three clouds at once, the two launcher counts side by side; Nodepool's AWS driver reached about ${NODEPOOL_AWS_RATIO} of its bound.`,
        ],
      },
    };
  },
};
