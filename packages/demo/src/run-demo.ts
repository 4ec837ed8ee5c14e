import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CleanupReport } from '@cloudpool/common';
import { startZooKeeperServer } from '@cloudpool/common';
import { pino } from 'pino';
import type { CliIo } from '@cloudpool/launcher/cli';
import { Launcher } from '@cloudpool/launcher';
import { renderTable } from '@cloudpool/launcher';
import { startWebServer } from '@cloudpool/launcher';
import { cleanupTable, passDetail, plantedTable } from './cleanup-view.js';
import { CleanupWatch, isDone } from './cleanup-watch.js';
import { CLOUD_BEHAVIOUR, DEMO_CLEANUP, startDemoClouds, type DemoClouds } from './demo-clouds.js';
import { plantLeaks } from './demo-leaks.js';
import { callTotals, formatSummary, type DemoSummary } from './demo-summary.js';
import { DemoZuul } from './demo-zuul.js';
import { Narrator } from './narrator.js';
import { Teardown } from './teardown.js';
import { waitUntil } from './waiting.js';
import { narrateZuul } from './zuul-progress.js';

/** What the demo needs of the CLI's io: stdout, and Ctrl-C. */
export type DemoIo = Pick<CliIo, 'stdout' | 'signals'>;

export interface DemoOptions {
  /** Print nothing but the final summary, as one line of JSON. */
  json?: boolean;
}

/** Signals that stop the demo early (it still stops everything it started). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** Node requests Zuul submits, spread over the labels of the configuration (one per cloud). */
const REQUESTS = 12;
/** Launcher loops a little quicker than a production daemon's, so the demo moves. */
const DEMO_TIMINGS = { poolIntervalMs: 200, deleteIntervalMs: 500, maintenanceIntervalMs: 5_000, providerLoopMs: 100 };
/** How long each waiting step may take before the demo calls it failed. */
const LIMITS_MS = { fulfil: 45_000, delete: 30_000, cleanup: 40_000 };
const STEP_TITLES = [
  'Start ZooKeeper',
  'Start the simulated clouds',
  'Start the launcher and its dashboard',
  `Zuul requests ${REQUESTS} nodes`,
  'The jobs end: Zuul marks the nodes used, the launcher deletes them',
  'Leaked and foreign resources appear; leak cleanup runs',
  'Stop everything',
] as const;

/**
 * `cloudpool demo`: cloudpool's whole job on this machine, with nothing but loopback: a real
 * ZooKeeper, the three simulated clouds, a launcher with one provider per cloud and its
 * dashboard, a burst of node requests made as Zuul makes them, the nodes used and deleted,
 * then leaks cleaned while another installation's resources are spared. Everything started is
 * stopped, also on Ctrl-C. Resolves with the summary (`ok: false` and `failure` when a step failed).
 */
export async function runDemo(io: DemoIo, options: DemoOptions = {}): Promise<DemoSummary> {
  return new DemoRun(io, options).run();
}

class DemoRun {
  private readonly narrator: Narrator;
  private readonly teardown = new Teardown();
  private readonly interrupt = new AbortController();
  private step = 0;
  private clouds: DemoClouds | undefined;
  private zuul: DemoZuul | undefined;
  private watch: CleanupWatch | undefined;
  /** Ids of the nodes the demo used and deleted: real leaks name such ids. */
  private deletedNodes: string[] = [];
  private readonly counts = { launched: 0, deleted: 0 };
  private readonly summary: DemoSummary = {
    ok: false,
    elapsedSeconds: 0,
    requests: { submitted: 0, fulfilled: 0, failed: 0 },
    nodes: { launched: 0, deleted: 0 },
    clouds: [],
    ports: {},
  };

  constructor(
    private readonly io: DemoIo,
    private readonly options: DemoOptions,
  ) {
    this.narrator = new Narrator(options.json ? undefined : io.stdout, STEP_TITLES.length);
  }

  async run(): Promise<DemoSummary> {
    const onInterrupt = () => {
      this.narrator.say('\ninterrupted: stopping everything (Ctrl-C again quits at once)');
      this.interrupt.abort(new Error('interrupted (Ctrl-C or SIGTERM)'));
    };
    for (const signal of STOP_SIGNALS) this.io.signals.on(signal, onInterrupt);
    this.narrator.say('cloudpool demo: ZooKeeper, three simulated clouds, a launcher, Zuul-style requests and leak cleanup, on loopback only.');
    try {
      const zookeeperPort = await this.startZooKeeper();
      const clouds = await this.startClouds(zookeeperPort);
      const launcher = await this.startLauncher(clouds);
      await this.requestNodes(zookeeperPort, [...clouds.config.labels.keys()]);
      await this.finishJobs();
      await this.cleanLeaks(clouds, launcher);
    } catch (error) {
      this.summary.failure = `step ${this.step} (${STEP_TITLES[this.step - 1] ?? 'setup'}): ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      for (const signal of STOP_SIGNALS) this.io.signals.off(signal, onInterrupt);
    }
    this.summarize();
    await this.stopEverything();
    this.summary.elapsedSeconds = Number(this.narrator.elapsedSeconds.toFixed(1));
    this.summary.ok = this.summary.failure === undefined;
    if (this.options.json) this.io.stdout.write(`${JSON.stringify(this.summary)}\n`);
    else this.narrator.say(`\n${formatSummary(this.summary)}`);
    return this.summary;
  }

  private begin(step: number): void {
    this.interrupt.signal.throwIfAborted();
    this.step = step;
    this.narrator.heading(step, STEP_TITLES[step - 1]!);
  }

  private async startZooKeeper(): Promise<number> {
    this.begin(1);
    const server = await startZooKeeperServer();
    this.teardown.add('stop ZooKeeper', () => server.stop());
    this.summary.ports.zookeeper = server.port;
    this.narrator.say(`serving on ${server.connectString} (a real ZooKeeper server, throwaway data directory)`);
    return server.port;
  }

  private async startClouds(zookeeperPort: number): Promise<DemoClouds> {
    this.begin(2);
    const clientDir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-demo-clients-'));
    this.teardown.add('remove the client files (credentials)', () => rm(clientDir, { recursive: true, force: true }));
    const clouds = await startDemoClouds(clientDir, zookeeperPort);
    this.clouds = clouds;
    this.teardown.add('stop the simulated clouds', () => clouds.stop());
    const rows = clouds.all.map((cloud) => {
      const url = clouds.sims[cloud.key].url;
      this.summary.ports[cloud.key] = Number(new URL(url).port);
      return { cloud: cloud.title, provider: cloud.provider, endpoint: url };
    });
    const columns = [
      { key: 'cloud', header: 'Cloud' },
      { key: 'provider', header: 'Provider' },
      { key: 'endpoint', header: 'API endpoint' },
    ];
    this.narrator.say(renderTable(columns, rows));
    this.narrator.say(CLOUD_BEHAVIOUR);
    return clouds;
  }

  private async startLauncher(clouds: DemoClouds): Promise<Launcher> {
    this.begin(3);
    // Kept after the demo, for the person to read.
    const logFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'cloudpool-demo-')), 'launcher.log');
    const destination = pino.destination({ dest: logFile, sync: true });
    this.teardown.add('close the launcher log', () => destination.end());
    this.summary.logFile = logFile;
    const logger = pino({ name: 'cloudpool', level: 'info' }, destination);
    const launcher = await Launcher.start({ config: clouds.config, drivers: clouds.drivers, logger, timings: DEMO_TIMINGS, hostname: 'cloudpool-demo' });
    this.teardown.add('stop the launcher (in-flight launches and deletes end first)', () => launcher.stop());
    const { events } = launcher.context;
    events.on('launch', (launch) => void (launch.result === 'ready' && this.counts.launched++));
    events.on('nodeDeleted', () => void this.counts.deleted++);
    const web = await startWebServer(launcher, { port: 0, host: '127.0.0.1', logger });
    this.teardown.add('close the dashboard', () => web.close());
    this.summary.dashboardUrl = `${web.url}/`;
    this.summary.ports.dashboard = Number(new URL(web.url).port);
    this.narrator.say(`Dashboard: ${this.summary.dashboardUrl}`);
    this.narrator.say(`Launcher log: ${logFile}`);
    const missing = [...clouds.config.providers.keys()].filter((name) => !launcher.runtimes().has(name));
    if (missing.length > 0) throw new Error(`provider ${missing.join(', ')} did not start (see the launcher log)`);
    this.narrator.say(
      `providers ${[...launcher.runtimes().keys()].join(', ')} running; leak cleanup every ${DEMO_CLEANUP.intervalSeconds} s, ` +
        `min-age ${DEMO_CLEANUP.minAgeSeconds} s; installation (system) id ${launcher.context.systemId}`,
    );
    return launcher;
  }

  private async requestNodes(zookeeperPort: number, labels: string[]): Promise<void> {
    this.begin(4);
    const zuul = await DemoZuul.connect(zookeeperPort);
    this.zuul = zuul;
    this.teardown.add('close Zuul\'s ZooKeeper session', () => zuul.close());
    const problems: string[] = [];
    zuul.on('problem', (message) => problems.push(message));
    narrateZuul(zuul, this.narrator);
    this.narrator.say(`${REQUESTS} requests of one node each, spread over the labels: ${labels.join(', ')}`);
    this.narrator.eventHeader();
    for (let i = 0; i < REQUESTS; i++) await zuul.submit([labels[i % labels.length]!]);
    const signal = this.interrupt.signal;
    await waitUntil(() => zuul.allRequestsHandled || problems.length > 0, { what: 'fulfilling every request', timeoutMs: LIMITS_MS.fulfil, signal });
    if (problems.length > 0) throw new Error(problems[0]);
    const failed = [...zuul.requestOutcomes].filter(([, outcome]) => outcome === 'failed').map(([id]) => id);
    if (failed.length > 0) throw new Error(`request ${failed.join(', ')} failed`);
  }

  private async finishJobs(): Promise<void> {
    this.begin(5);
    const zuul = this.zuul!;
    const nodes = zuul.heldNodes;
    this.narrator.eventHeader();
    await zuul.finishJobs();
    await waitUntil(() => nodes.every((id) => !zuul.nodeExists(id)), { what: 'deleting every used node', timeoutMs: LIMITS_MS.delete, signal: this.interrupt.signal });
    this.deletedNodes = [...nodes];
  }

  private async cleanLeaks(clouds: DemoClouds, launcher: Launcher): Promise<void> {
    this.begin(6);
    const [first, second] = this.deletedNodes;
    if (first === undefined || second === undefined) throw new Error('the demo needs two deleted nodes to name its leaks');
    const planted = plantLeaks(clouds, launcher.context.systemId, [first, second]);
    const cloudOf = new Map(clouds.all.map((c) => [c.provider, c]));
    const watch = new CleanupWatch(planted, (provider) => clouds.instancesIn(cloudOf.get(provider)!.key));
    this.watch = watch;
    this.narrator.say(plantedTable(planted, (provider) => cloudOf.get(provider)?.title ?? provider));
    this.narrator.say(
      `a pass every ${DEMO_CLEANUP.intervalSeconds} s; a leak is deleted once found on two passes in a row and older than ` +
        `${DEMO_CLEANUP.minAgeSeconds} s; the foreign instances must stay`,
    );
    this.narrator.eventHeader();
    const finished = new Set<string>();
    const onPass = (report: CleanupReport) => {
      const progress = watch.record(report);
      if (!progress || finished.has(report.provider) || (report.decisions.length === 0 && !report.aborted)) return;
      this.narrator.event(['leak cleanup', `pass ${progress.passes}`, report.provider, '', '', passDetail(report)]);
      if (report.deleted.length > 0 || report.failed.length > 0) this.narrator.say(cleanupTable(report));
    };
    const allDone = () => {
      for (const progress of watch.all()) {
        if (finished.has(progress.provider) || !isDone(progress)) continue;
        finished.add(progress.provider);
        this.narrator.event(['leak cleanup', 'done', progress.provider, '', '', `${progress.leaksDeleted} leaks deleted; the foreign instance is still there`]);
      }
      return finished.size === watch.all().length;
    };
    launcher.context.events.on('cleanupPass', onPass);
    try {
      await waitUntil(allDone, { what: 'cleaning every leak', timeoutMs: LIMITS_MS.cleanup, signal: this.interrupt.signal });
    } finally {
      launcher.context.events.off('cleanupPass', onPass);
    }
  }

  private async stopEverything(): Promise<void> {
    this.step = STEP_TITLES.length;
    this.narrator.heading(this.step, STEP_TITLES[this.step - 1]!);
    const outcomes = await this.teardown.run(({ what, seconds, error }) =>
      this.narrator.say(error ? `${what}: FAILED: ${error}` : `${what}: done in ${seconds.toFixed(1)} s`),
    );
    const stuck = outcomes.find((o) => o.error);
    if (stuck && !this.summary.failure) this.summary.failure = `step ${this.step} (${STEP_TITLES[this.step - 1]}): ${stuck.what}: ${stuck.error}`;
  }

  /** Counts what happened, before the simulators stop. */
  private summarize(): void {
    const { summary, zuul, clouds, watch } = this;
    const outcomes = [...(zuul?.requestOutcomes.values() ?? [])];
    summary.requests = {
      submitted: zuul?.submitted ?? 0,
      fulfilled: outcomes.filter((o) => o === 'fulfilled').length,
      failed: outcomes.filter((o) => o === 'failed').length,
    };
    summary.nodes = { ...this.counts };
    const cleanup = new Map((watch?.all() ?? []).map((p) => [p.provider, p]));
    summary.clouds = (clouds?.all ?? []).map((cloud) => {
      const progress = cleanup.get(cloud.provider);
      return {
        cloud: cloud.title,
        provider: cloud.provider,
        ...callTotals(clouds!.sims[cloud.key].counters),
        leaksPlanted: progress?.leaksPlanted ?? 0,
        leaksDeleted: progress?.leaksDeleted ?? 0,
        foreignPlanted: progress?.foreignPlanted ?? 0,
        foreignSpared: progress?.foreignSpared ?? 0,
      };
    });
  }
}
