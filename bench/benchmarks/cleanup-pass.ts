import { CLOUDS, PROFILES, RATE, type CloudName } from '../support/clouds.js';
import { counterDelta, sleep, totalCalls, waitUntil, type Counters, type Harness } from '../support/harness.js';
import type { CleanupPassSummary } from '../support/launcher-host.js';
import { plantNodes } from '../support/nodes.js';
import { cloudCells, fmt, joined, type Benchmark, type Cell } from '../support/report.js';
import { pages } from '../support/scenarios.js';
import { providerInstances } from './simulator-list.js';

const INSTANCES = 10_000;
const LEAKED = 100;
/** Seconds between passes: the pass that deletes follows the one that finds soon. */
const INTERVAL_S = 2;
/** At most this many passes are watched for the one that deletes the leaks. */
const MAX_PASSES = 6;

interface PassMeasure {
  pass: number;
  durationMs: number;
  cpuMs: number;
  calls: Counters;
  deleted: number;
  deferred: number;
  rules: Record<string, number>;
  failed: number;
  failures: Record<string, number>;
  aborted?: string;
}

interface CloudCleanup {
  cloud: CloudName;
  passes: PassMeasure[];
  /** Launcher CPU ms per ms while idle between passes. */
  idleCpuPerMs: number;
}

/**
 * One cloud: INSTANCES instances of the provider, all but LEAKED with a node in ZooKeeper; one
 * launcher whose elected cleaner runs a pass every INTERVAL_S, watched until the pass that
 * deletes the leaks. `onRunning` is called once the launcher runs.
 */
async function cleanupOn(harness: Harness, name: CloudName, onRunning: () => void): Promise<CloudCleanup> {
  const profile = PROFILES[name];
  try {
    const cloud = await harness.startCloud(name);
    const chroot = harness.chroot(`cleanup-${name}`);
    const { ids } = await plantNodes(await harness.client(chroot), INSTANCES - LEAKED, profile.provider, profile.label);
    const leakedIds = Array.from({ length: LEAKED }, (_, i) => String(9_000_000_000 + i));
    await cloud.plant(providerInstances(name, [...ids, ...leakedIds]));
    const passes: PassMeasure[] = [];
    let last = await cloud.counters();
    const [launcher] = await harness.startLaunchers({
      chroot,
      clouds: [cloud],
      count: 1,
      cleanup: { interval: INTERVAL_S, 'min-age': 0, 'max-delete-count': 1000 },
    });
    onRunning();
    launcher!.host.on('cleanupPass', (summary: CleanupPassSummary) => {
      void cloud.counters().then((now) => {
        passes.push({
          pass: passes.length + 1,
          durationMs: summary.durationMs,
          cpuMs: summary.cpuMs,
          calls: counterDelta(now, last),
          deleted: summary.deleted,
          deferred: summary.deferred,
          rules: summary.rules,
          failed: summary.failed,
          failures: summary.failures,
          ...(summary.aborted ? { aborted: summary.aborted } : {}),
          ...(summary.breakerTrip ? { aborted: `breaker: ${summary.breakerTrip}` } : {}),
        });
        last = now;
      });
    });
    await waitUntil(() => passes.some(deletes) || passes.length >= MAX_PASSES, 300_000, 100);
    // The launcher's CPU while idle between passes, to subtract its other loops.
    const idle0 = await launcher!.stats();
    await sleep(1000);
    const idle1 = await launcher!.stats();
    const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
    return { cloud: name, passes, idleCpuPerMs: (cpuMs(idle1.cpu) - cpuMs(idle0.cpu)) / 1000 };
  } finally {
    await harness.release(0);
  }
}

/** Whether a pass deleted (or, all deletes failing, meant to delete) the leaks. */
function deletes(pass: PassMeasure): boolean {
  return pass.deleted > 0 || (pass.rules.leaked ?? 0) > 0;
}

export const cleanupPass: Benchmark = {
  name: 'cleanup-pass',
  description: `leak-cleanup pass over ${INSTANCES} instances with ${(LEAKED / INSTANCES) * 100}% leaked, against pages and deletes at the rate`,
  async run(harness) {
    // Azure's deleting pass is long and waits on the rate, not the CPU: it runs alongside the
    // others, which run one after the other once its launcher is up.
    let azureRunning!: () => void;
    const azureUp = new Promise<void>((resolve) => (azureRunning = resolve));
    const azure = cleanupOn(harness.scope(), 'azure', () => azureRunning());
    azure.catch(() => azureRunning());
    await azureUp;
    const results: CloudCleanup[] = [];
    for (const name of CLOUDS.filter((c) => c !== 'azure')) results.push(await cleanupOn(harness.scope(), name, () => undefined));
    results.push(await azure);
    results.sort((a, b) => CLOUDS.indexOf(a.cloud) - CLOUDS.indexOf(b.cloud));

    const rows: Cell[][] = [];
    const notes: string[] = [];
    for (const { cloud, passes, idleCpuPerMs } of results) {
      const boundCalls = pages(INSTANCES) + Math.ceil(LEAKED / PROFILES[cloud].minimum.deleteBatch);
      for (const pass of passes) {
        const calls = totalCalls(pass.calls);
        const cpuMs = Math.max(0, pass.cpuMs - idleCpuPerMs * pass.durationMs);
        const passBoundCalls = deletes(pass) ? boundCalls : pages(INSTANCES);
        const kind = pass.aborted ? 'aborted' : deletes(pass) ? 'deletes' : 'finds';
        rows.push([cloud, `${pass.pass} ${kind}`, pass.deleted, pass.deferred, pass.durationMs / 1000, passBoundCalls / RATE, pass.durationMs / ((passBoundCalls / RATE) * 1000), calls, passBoundCalls, calls / passBoundCalls, cpuMs]);
        if (pass.aborted) notes.push(`${cloud} pass ${pass.pass}: ${pass.aborted.slice(0, 150)}`);
        for (const [failure, n] of Object.entries(pass.failures)) notes.push(`${cloud} pass ${pass.pass}: ${n} deletes failed: ${failure}`);
      }
      if (!passes.some(deletes)) notes.push(`${cloud}: no pass deleted the leaks within ${passes.length} passes`);
    }
    const deleting = results.flatMap(({ cloud, passes, idleCpuPerMs }) => {
      const pass = passes.find(deletes);
      if (!pass) return [];
      const bound = pages(INSTANCES) + Math.ceil(LEAKED / PROFILES[cloud].minimum.deleteBatch);
      return [{
        cloud,
        wallRatio: pass.durationMs / ((bound / RATE) * 1000),
        callRatio: totalCalls(pass.calls) / bound,
        cpuMs: Math.max(0, pass.cpuMs - idleCpuPerMs * pass.durationMs),
        aborted: passes.filter((p) => p.aborted).length,
      }];
    });
    const columns = ['cloud', 'pass', 'deleted', 'deferred', 'wall s', 'bound s', 'ratio', 'calls', 'bound calls', 'ratio', 'launcher CPU ms'];
    return {
      tables: [
        {
          title: `cleanup-pass: ${INSTANCES} instances of the provider, ${LEAKED} leaked (no node in ZooKeeper), one launcher`,
          columns,
          rows,
          notes: [
            `bound: the pages of one instance listing (${pages(INSTANCES)}), plus, on the pass that deletes, the leaked instances' deletes over the batch size (AWS 50 per call), at ${RATE} calls/s.`,
            'A pass finds the leaks (first sighting), the next deletes them (leaked on two passes in a row); a pass whose reads fail is aborted. Pass 1\'s calls include the launcher\'s start-up calls.',
            'deleted, deferred: resources (Azure: VM, NIC and disk of each leaked instance; a NIC or disk whose VM was still listed waits for the next pass).',
            'launcher CPU: the launcher process\'s CPU during the pass minus its idle rate.',
            'Azure ran alongside AWS, then OpenStack, to fit the time; two launchers: not run, one elected launcher per provider runs the passes.',
            ...notes,
          ],
        },
      ],
      json: results.map((r) => ({ ...r, instances: INSTANCES, leaked: LEAKED, boundCalls: pages(INSTANCES) + Math.ceil(LEAKED / PROFILES[r.cloud].minimum.deleteBatch) })),
      snippet: {
        rows: [
          [
            'cleanup-pass, the pass that deletes',
            `wall ÷ bound (calls ÷ bound); ${INSTANCES} instances, ${LEAKED} leaked`,
            ...cloudCells(deleting, (d) => `${joined([d.wallRatio])} (${joined([d.callRatio])})`),
          ],
        ],
        bullets: [
          `cleanup-pass: the launcher's CPU for the pass that deletes: ${deleting.map((d) => `${d.cloud} ${fmt(d.cpuMs / 1000, 2)} s`).join(', ')}${
            deleting.some((d) => d.aborted > 0) ? `; passes aborted by a failed read before it: ${deleting.map((d) => `${d.cloud} ${d.aborted}`).join(', ')}` : ''
          }.`,
        ],
      },
    };
  },
};
