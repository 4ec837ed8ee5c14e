import { PROFILES } from '../support/clouds.js';
import { sleep, waitUntil, type LauncherProcess } from '../support/harness.js';
import { plantNodes } from '../support/nodes.js';
import { fmt, type Benchmark, type Cell } from '../support/report.js';

const NODES = 10_000;
/** Issue #20: a launcher holding NODES nodes grows by less than this many times their records' bytes. */
const BOUND = 1.5;

/**
 * One launcher process, measured after a full GC before and after ZooKeeper gains NODES ready
 * nodes (which it follows through its caches): the difference, against the bytes of the records.
 */
export const memory: Benchmark = {
  name: 'memory',
  description: `launcher memory holding ${NODES} nodes in ZooKeeper and its caches, against the bytes of the node records`,
  async run(harness) {
    const profile = PROFILES.aws;
    const mark = harness.mark();
    try {
      const cloud = await harness.startCloud('aws');
      const chroot = harness.chroot('memory');
      const start = async () => (await harness.startLaunchers({ chroot, clouds: [cloud], count: 1, execArgv: ['--expose-gc'] }))[0]!;
      const cachedAll = async (launcher: LauncherProcess) => {
        if (!(await waitUntil(async () => (await launcher.stats()).cachedNodes >= NODES, 120_000, 250))) throw new Error('the launcher did not cache every node');
      };
      // RSS keeps falling for a while after start-up (memory of module loading is given back):
      // collect garbage every second until RSS holds still (within 1 MB three times running, at most 20 s).
      const settled = async (launcher: LauncherProcess) => {
        let last = await launcher.host.call<NodeJS.MemoryUsage>('gc');
        for (let steady = 0, i = 0; steady < 3 && i < 20; i++) {
          await sleep(1000);
          const now = await launcher.host.call<NodeJS.MemoryUsage>('gc');
          steady = Math.abs(now.rss - last.rss) < 2 ** 20 ? steady + 1 : 0;
          last = now;
        }
        return last;
      };
      const launcher = await start();
      const before = await settled(launcher);
      const { bytes } = await plantNodes(await harness.client(chroot), NODES, profile.provider, profile.label);
      await cachedAll(launcher);
      const after = await settled(launcher);
      // The same launcher restarted over the nodes: its caches load all of them at once.
      await launcher.host.stop(10_000);
      const restarted = await start();
      await cachedAll(restarted);
      const afterRestart = await settled(restarted);
      const mb = (n: number) => n / 2 ** 20;
      const dataMb = mb(bytes);
      const row = (measure: string, field: keyof NodeJS.MemoryUsage, holding: NodeJS.MemoryUsage): Cell[] => [
        measure,
        mb(before[field]),
        mb(holding[field]),
        mb(holding[field] - before[field]),
        dataMb,
        (holding[field] - before[field]) / bytes,
        BOUND,
      ];
      const rows: Cell[][] = [
        row('RSS, nodes added while it runs', 'rss', after),
        row('heap used, nodes added while it runs', 'heapUsed', after),
        row('RSS, restarted over the nodes', 'rss', afterRestart),
        row('heap used, restarted over the nodes', 'heapUsed', afterRestart),
      ];
      return {
        tables: [
          {
            title: `memory: one launcher before and after ZooKeeper holds ${NODES} ready nodes, against the records' bytes`,
            columns: ['measure', 'before MB', 'after MB', 'difference MB', 'records MB', 'difference / records', 'bound'],
            rows,
            notes: [
              `records: the JSON of the ${NODES} node records as stored (${Math.round(bytes / NODES)} bytes each). Same launcher process, before and after, each`,
              'time after GCs once its RSS holds still (it falls for a while after start-up); the launcher caches every node record with a data watch on each.',
              `Restarted: the launcher stopped and started again over the ${NODES} nodes, against the first one's idle figures (same configuration). Bound: issue #20's, RSS growth < ${BOUND} × the records.`,
              'The RSS difference varies by about ±15% between runs, the heap one by 1%. Two launchers: not run; each process holds its own caches.',
            ],
          },
        ],
        json: { nodes: NODES, recordBytes: bytes, bound: BOUND, before, after, afterRestart },
        snippet: {
          bullets: [
            `memory: a launcher holding ${NODES} nodes grows by ${fmt((after.heapUsed - before.heapUsed) / NODES, 3)} bytes of heap per node (${fmt((after.heapUsed - before.heapUsed) / bytes, 2)} × the ${Math.round(bytes / NODES)}-byte record); its RSS by ${fmt((after.rss - before.rss) / NODES, 3)} bytes per node (${fmt((after.rss - before.rss) / bytes, 2)} ×; bound ${BOUND} ×), over ${fmt(before.rss / 2 ** 20, 3)} MB without nodes; restarted over them: ${fmt((afterRestart.heapUsed - before.heapUsed) / bytes, 2)} × heap, ${fmt((afterRestart.rss - before.rss) / bytes, 2)} × RSS.`,
          ],
        },
      };
    } finally {
      await harness.release(mark);
    }
  },
};
