import { CLOUDS, PROFILES, RATE } from '../support/clouds.js';
import { cloudCells, joined, type Benchmark, type Cell } from '../support/report.js';
import { createBounds, LAUNCHER_COUNTS, STEADY_FROM_MS, steadyCreateRate, TARGET_NODES, THROUGHPUT_BACKLOG, THROUGHPUT_SHARE_MS, throughputRun } from '../support/scenarios.js';

/** Nodepool's AWS driver, measured the same way, reached about this share of its bound. */
const NODEPOOL_AWS_RATIO = 0.3;

export const launchThroughput: Benchmark = {
  name: 'launch-throughput',
  description: `node creates per second against the rate bound (rate ${RATE}/s per provider)`,
  async run(harness) {
    const rows: Cell[][] = [];
    const notes: string[] = [];
    const runs: Array<{ cloud: string; launchers: number; nodes: number; achievedPerSecond: number; bounds: { raw: number; createOnly: number } } & Record<string, unknown>> = [];
    for (const cloud of CLOUDS) {
      for (const launchers of LAUNCHER_COUNTS) {
        const result = await throughputRun(harness, cloud, launchers);
        const run = result.clouds[0]!;
        const profile = PROFILES[cloud];
        const bounds = createBounds(profile, launchers, run.creates.count);
        const steady = steadyCreateRate(run.creates);
        const achieved = steady.perSecond;
        const throttles = result.launchers.reduce((sum, l) => sum + l.throttles, 0);
        // Launch attempts that failed and were retried (each deletes what it made, then starts over).
        const retries = result.launchers.reduce(
          (sum, l) => sum + Object.entries(l.log).filter(([message]) => message.startsWith('warn: launch attempt failed')).reduce((s, [, n]) => s + n, 0),
          0,
        );
        rows.push([
          cloud,
          launchers,
          run.creates.count,
          achieved,
          bounds.raw,
          bounds.createOnly,
          achieved / bounds.raw,
          achieved / bounds.createOnly,
          throttles,
          retries,
          run.failedLaunches.length,
        ]);
        if (run.creates.count < TARGET_NODES) {
          notes.push(`${cloud}, ${launchers} launcher(s): scaled down to ${run.creates.count} nodes, those created within its ${THROUGHPUT_SHARE_MS / 1000} s share (${TARGET_NODES} do not fit).`);
        }
        runs.push({ cloud, launchers, nodes: run.creates.count, submitted: run.submitted, creates: run.creates, steady, achievedPerSecond: achieved, bounds, throttles, retries, failedLaunches: run.failedLaunches, perLauncher: result.launchers });
      }
    }
    notes.push(
      `creates/s: node creates completed at the cloud (${CLOUDS.map((c) => PROFILES[c].createAction).join(', ')}) from ${STEADY_FROM_MS / 1000} s to the end of the ${THROUGHPUT_SHARE_MS / 1000} s share,`,
      `  with ${CLOUDS.map((c) => THROUGHPUT_BACKLOG[c]).join(', ')} requests kept waiting (aws, azure, openstack): a burst of all ${TARGET_NODES} at once advances every node a step at a time through the FIFO API queue.`,
      `raw bound: the whole rate spent on node creates (calls per node: aws 1, azure 3, openstack 2); create-only bound: the rate left once each launcher lists once per second, and at most the cloud's ${RATE} writes/s.`,
      `Nodepool's AWS driver reached about ${NODEPOOL_AWS_RATIO} of its bound.`,
    );
    const columns = ['cloud', 'launchers', 'nodes', 'creates/s', 'raw bound', 'create-only bound', 'ratio raw', 'ratio create-only', 'throttled', 'retried launches', 'failed launches'];
    return {
      tables: [{ title: 'launch-throughput: node creates per second against the rate bound', columns, rows, notes }],
      json: { rate: RATE, shareMs: THROUGHPUT_SHARE_MS, nodepoolAwsRatio: NODEPOOL_AWS_RATIO, runs },
      snippet: {
        rows: [
          [
            `launch-throughput, ${LAUNCHER_COUNTS.join(' / ')} launchers`,
            'creates/s ÷ create-only bound (creates/s)',
            ...cloudCells(runs, (_, mine) => `${joined(mine.map((r) => r.achievedPerSecond / r.bounds.createOnly))} (${joined(mine.map((r) => r.achievedPerSecond), 2)})`),
          ],
        ],
        bullets: [
          `launch-throughput: ${THROUGHPUT_SHARE_MS / 1000} s per cloud and launcher count, so ${runs.map((r) => r.nodes).join(', ')} nodes instead of ${TARGET_NODES} (aws, azure, openstack × ${LAUNCHER_COUNTS.join(', ')} launchers); Nodepool's AWS driver reached about ${NODEPOOL_AWS_RATIO} of its bound.`,
        ],
      },
    };
  },
};
