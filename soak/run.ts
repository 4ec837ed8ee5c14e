/**
 * The fault suite: `pnpm soak [--short] [--trials N] [--faults a,b]` (default: every fault, 20
 * trials; `--short`: four faults, one trial each, for CI). For each fault, a bed
 * (ZooKeeper, the EC2 simulator, launcher processes on one pool, a Zuul-like client) runs
 * trials: a burst of requests, the fault injected at a random moment while they launch, every
 * handed-out node checked and held; then, after two cleanup intervals, a cloud audit. Prints
 * one row of figures per fault and exits 1 when any bad figure is not zero.
 */
import { parseArgs } from 'node:util';

// The AWS SDK warns on every start that it will need a newer Node; the soak's output is its figures.
process.removeAllListeners('warning');
import { CLEANUP_INTERVAL_S, sleep, SoakBed, type BedOptions } from './soak-bed.js';
import { runRequest, type RequestOutcome } from './zuul-client.js';

interface Fault {
  name: string;
  what: string;
  bed: BedOptions;
  /** Injects the fault once; resolves when it is over. */
  inject(bed: SoakBed): Promise<void>;
}

const random = (low: number, high: number) => low + Math.random() * (high - low);

const FAULTS: Fault[] = [
  {
    name: 'zk-blip',
    what: 'connection cut 2 s (session timeout 4 s)',
    bed: { servers: 1, proxied: true, launchers: 1, maxServers: 10 },
    async inject(bed) {
      await bed.proxy!.cut();
      await sleep(2000);
      await bed.proxy!.restore();
    },
  },
  {
    name: 'zk-restart',
    what: 'standalone ZooKeeper stopped and started again',
    bed: { servers: 1, proxied: false, launchers: 1, maxServers: 10 },
    async inject(bed) {
      await bed.zk.stopMember(0);
      await sleep(500);
      await bed.zk.startMember(0);
    },
  },
  {
    name: 'session-expiry',
    what: 'connection cut 6 s through the proxy: the session expires',
    bed: { servers: 1, proxied: true, launchers: 1, maxServers: 10 },
    async inject(bed) {
      await bed.proxy!.cut();
      await sleep(6000);
      await bed.proxy!.restore();
    },
  },
  {
    name: 'leader-kill',
    what: '3-server ensemble: the leader is stopped, started again 2 s later',
    bed: { servers: 3, proxied: false, launchers: 1, maxServers: 10 },
    async inject(bed) {
      const leader = await bed.zk.leader();
      await bed.zk.stopMember(leader);
      await sleep(2000);
      await bed.zk.startMember(leader);
    },
  },
  {
    name: 'kill-9',
    what: 'one of two launchers killed with SIGKILL, restarted 1 s later',
    bed: { servers: 1, proxied: false, launchers: 2, maxServers: 10 },
    async inject(bed) {
      const victim = bed.launchers[Math.floor(Math.random() * bed.launchers.length)]!;
      victim.kill();
      await sleep(1000);
      await victim.start();
    },
  },
  {
    name: 'two-launchers',
    what: 'two launchers on one pool of max-servers 4',
    bed: { servers: 1, proxied: false, launchers: 2, maxServers: 4 },
    inject: async () => undefined,
  },
  {
    name: 'three-launchers',
    what: 'three launchers on one pool of max-servers 4',
    bed: { servers: 1, proxied: false, launchers: 3, maxServers: 4 },
    inject: async () => undefined,
  },
];

interface Figures {
  fault: string;
  trials: number;
  requests: number;
  served: number;
  failed: number;
  stuck: number;
  broken: number;
  inUseDeleted: number;
  leaks: number;
  orphans: number;
  overMax: number;
  /** Launcher processes that ended on their own (crashed); none is restarted. */
  crashes: number;
  seconds: number;
  /** What went wrong, one line each (printed as it is found). */
  notes: string[];
}

const REQUESTS_PER_TRIAL = 6;

async function trial(bed: SoakBed, fault: Fault): Promise<RequestOutcome[]> {
  const requests: Array<Promise<RequestOutcome>> = [];
  const injected = (async () => {
    await sleep(random(200, 1500));
    await fault.inject(bed);
  })();
  for (let i = 0; i < REQUESTS_PER_TRIAL; i++) {
    requests.push(
      runRequest(bed, 1 + (i % 2), { settleMs: 60_000, holdMs: 1000 }).catch(
        (error: unknown): RequestOutcome => ({ id: `request ${i + 1} (client error: ${String(error)})`, result: 'stuck', broken: [], deletedInUse: [] }),
      ),
    );
    await sleep(150);
  }
  await injected;
  return Promise.all(requests);
}

/** After the trials: wait for the launchers to settle and two cleanup intervals, then compare ZooKeeper with the cloud. */
async function audit(bed: SoakBed): Promise<{ leaks: string[]; orphans: string[] }> {
  const settled = (state: string, allocated: string | null) => state === 'ready' && allocated === null;
  for (let waited = 0; waited < 30_000; waited += 500) {
    const ids = await bed.retry(() => bed.zuul.listNodeIds());
    const nodes = await bed.retry(() => Promise.all(ids.map((id) => bed.zuul.getNode(id))));
    if (nodes.every((n) => !n || settled(n.state, n.allocated_to))) break;
    await sleep(500);
  }
  await sleep(2 * CLEANUP_INTERVAL_S * 1000 + 3000);
  const instances = (await bed.instances()).filter((i) => i.state === 'building' || i.state === 'ready' || i.state === 'error');
  const ids = await bed.retry(() => bed.zuul.listNodeIds());
  const nodes = (await bed.retry(() => Promise.all(ids.map((id) => bed.zuul.getNode(id))))).filter((n) => n !== undefined);
  const recorded = new Set(nodes.map((n) => n.id));
  const leaks = instances.filter((i) => !i.nodeId || !recorded.has(i.nodeId)).map((i) => `${i.externalId} (node ${String(i.nodeId)})`);
  const live = new Set(instances.map((i) => i.externalId));
  const orphans = nodes
    .filter((n) => !settled(n.state, n.allocated_to) || !live.has(n.external_id as string))
    .map((n) => `${n.id} (${n.state}, allocated to ${String(n.allocated_to)})`);
  return { leaks, orphans };
}

async function runFault(fault: Fault, trials: number): Promise<Figures> {
  const started = Date.now();
  const bed = await SoakBed.start(fault.bed);
  const phase = (what: string) => process.stdout.write(`  ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  phase('bed up');
  const figures: Figures = { fault: fault.name, trials, requests: 0, served: 0, failed: 0, stuck: 0, broken: 0, inUseDeleted: 0, leaks: 0, orphans: 0, overMax: 0, crashes: 0, seconds: 0, notes: [] };
  try {
    for (let i = 0; i < trials; i++) {
      for (const outcome of await trial(bed, fault)) {
        figures.requests++;
        figures[outcome.result === 'served' ? 'served' : outcome.result]++;
        figures.broken += outcome.broken.length;
        figures.inUseDeleted += outcome.deletedInUse.length;
        const note = (line: string) => {
          figures.notes.push(line);
          process.stdout.write(`  ${line}\n`);
        };
        if (outcome.result === 'stuck') note(`stuck ${outcome.id}`);
        for (const broken of outcome.broken) note(`broken ${outcome.id}: ${broken}`);
        for (const node of outcome.deletedInUse) note(`deleted in use ${outcome.id}: ${node}`);
      }
      phase(`trial ${i + 1} done`);
    }
    phase('auditing');
    const { leaks, orphans } = await audit(bed);
    figures.leaks = leaks.length;
    figures.orphans = orphans.length;
    for (const line of [...leaks.map((l) => `leak ${l}`), ...orphans.map((o) => `orphan ${o}`)]) process.stdout.write(`  ${line}\n`);
    phase('audited; stopping');
    figures.overMax = Math.max(0, bed.peakInstances - fault.bed.maxServers);
  } finally {
    figures.crashes = bed.launchers.reduce((sum, launcher) => sum + launcher.crashes.length, 0);
    await bed.stop();
  }
  figures.seconds = Math.round((Date.now() - started) / 1000);
  return figures;
}

const COLUMNS: Array<[keyof Figures, string]> = [
  ['fault', 'fault'],
  ['trials', 'trials'],
  ['requests', 'requests'],
  ['served', 'served'],
  ['failed', 'failed explicitly'],
  ['stuck', 'stuck'],
  ['broken', 'handed out broken'],
  ['inUseDeleted', 'in-use deleted'],
  ['leaks', 'leaks'],
  ['orphans', 'orphans'],
  ['overMax', 'peak over max-servers'],
  ['crashes', 'launcher crashes'],
  ['seconds', 'seconds'],
];
const BAD: Array<keyof Figures> = ['stuck', 'broken', 'inUseDeleted', 'leaks', 'orphans', 'overMax', 'crashes'];

function table(rows: Figures[]): string {
  const cells = [COLUMNS.map(([, header]) => header), ...rows.map((row) => COLUMNS.map(([key]) => String(row[key])))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`).join('\n');
}

const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, trials: { type: 'string' }, faults: { type: 'string' } } });
const trials = Number(values.trials ?? (values.short ? 1 : 20));
/** The short run for CI (one trial each, about 3 minutes): a blip, an expiry, a kill -9, and three launchers on one pool. */
const SHORT = ['zk-blip', 'session-expiry', 'kill-9', 'three-launchers'];
const names = values.faults?.split(',') ?? (values.short ? SHORT : FAULTS.map((f) => f.name));
const chosen = FAULTS.filter((f) => names.includes(f.name));
const started = Date.now();
const rows: Figures[] = [];
for (const fault of chosen) {
  process.stdout.write(`soak: ${fault.name} (${fault.what}), ${trials} trial(s) of ${REQUESTS_PER_TRIAL} requests\n`);
  const figures = await runFault(fault, trials);
  rows.push(figures);
}
process.stdout.write(`\n${table(rows)}\n`);
const bad = rows.filter((row) => BAD.some((key) => (row[key] as number) > 0));
process.stdout.write(`\nsoak: ${rows.length} faults in ${Math.round((Date.now() - started) / 1000)} s; ${bad.length === 0 ? 'no bad figure' : `bad figures in ${bad.map((r) => r.fault).join(', ')}`}\n`);
process.exit(bad.length === 0 ? 0 : 1);
