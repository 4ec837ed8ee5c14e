import { BOOT_TIME_MS, CLOUDS } from '../support/clouds.js';
import { cloudCells, joined, percentiles, type Benchmark, type Cell } from '../support/report.js';
import { LAUNCHER_COUNTS, LIGHT_NODES, LIGHT_RATE, lightRun } from '../support/scenarios.js';

export const timeToReady: Benchmark = {
  name: 'time-to-ready',
  description: `time from request to ready node beyond the cloud's boot time (${BOOT_TIME_MS / 1000} s)`,
  async run(harness) {
    const rows: Cell[][] = [];
    const runs: Array<{ cloud: string; launchers: number; requestToReadyMinusBootMs: { median: number; p95: number } } & Record<string, unknown>> = [];
    for (const launchers of LAUNCHER_COUNTS) {
      const result = await lightRun(harness, launchers);
      for (const cloud of CLOUDS) {
        const run = result.clouds.find((c) => c.cloud === cloud)!;
        const request = percentiles(run.fulfilMs.map((ms) => ms - BOOT_TIME_MS));
        const launch = percentiles(run.launchMs.map((ms) => ms - BOOT_TIME_MS));
        rows.push([
          cloud,
          launchers,
          run.fulfilled,
          request.median / 1000,
          request.p95 / 1000,
          launch.median / 1000,
          launch.p95 / 1000,
          (request.median + BOOT_TIME_MS) / BOOT_TIME_MS,
          (request.p95 + BOOT_TIME_MS) / BOOT_TIME_MS,
        ]);
        runs.push({ cloud, launchers, nodes: run.fulfilled, requestToReadyMinusBootMs: request, launchMinusBootMs: launch, fulfilMs: run.fulfilMs, launchMs: run.launchMs, failedLaunches: run.failedLaunches });
      }
    }
    const columns = ['cloud', 'launchers', 'nodes', 'request−boot median s', 'p95 s', 'launch−boot median s', 'p95 s', 'ready/boot median', 'p95'];
    return {
      tables: [
        {
          title: `time-to-ready: ready time minus the boot time (${BOOT_TIME_MS / 1000} s), light load`,
          columns,
          rows,
          notes: [
            `request: from Zuul's request to its fulfilment (as Zuul sees it through its watch); launch: the launcher's own launch time (node locked and handed to the provider → ready).`,
            `${LIGHT_NODES} nodes per cloud, ${LIGHT_RATE} request/s per cloud, all three clouds served at once by the same launchers; create latency median 1 s.`,
          ],
        },
      ],
      json: { bootTimeMs: BOOT_TIME_MS, runs },
      snippet: {
        rows: LAUNCHER_COUNTS.map((launchers): [string, string, string, string, string] => [
          `time-to-ready, ${launchers} launcher${launchers > 1 ? 's' : ''}`,
          `request to ready ÷ boot time, median / p95 (ready − boot in s)`,
          ...cloudCells(runs.filter((r) => r.launchers === launchers), (r) => {
            const { median, p95 } = r.requestToReadyMinusBootMs;
            return `${joined([(median + BOOT_TIME_MS) / BOOT_TIME_MS, (p95 + BOOT_TIME_MS) / BOOT_TIME_MS])} (${joined([median / 1000, p95 / 1000], 2)})`;
          }),
        ]),
      },
    };
  },
};
