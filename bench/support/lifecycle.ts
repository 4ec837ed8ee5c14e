import type { NodeRequestRecord } from '@cloudpool/common';
import type { CloudName } from './clouds.js';
import { counterDelta, inParallel, sleep, waitUntil, type Cloud, type Counters, type Harness, type LaunchEvent, type LauncherProcess, type Requester } from './harness.js';
import type { LauncherStats } from './launcher-host.js';
import { MachineLoad } from './machine-load.js';

export interface LifecycleOptions {
  /** The clouds served, each by its own provider in every launcher. */
  clouds: CloudName[];
  launchers: number;
  /** Nodes per cloud, at most. */
  nodes: number;
  /** Requests per second per cloud; as fast as `backlog` allows when undefined. */
  submitPerSecond?: number;
  /** Keep at most this many requests of a cloud submitted but not yet created at the cloud. */
  backlog?: Partial<Record<CloudName, number>>;
  /** Stop submitting after this long (the node count is then what was submitted). */
  submitForMs?: number;
  /** Release each node as soon as its request is fulfilled (else: once every request is). */
  releaseAtOnce?: boolean;
  /**
   * Only time the creates: the run ends when submission ends (and the creates submitted so far
   * are done, unless the share ran out); nothing is awaited or deleted, the launchers are killed.
   */
  createsOnly?: boolean;
  /** Gives up waiting for readiness, then for deletion, after this long (the run is then marked unfinished). */
  readyTimeoutMs: number;
  deleteTimeoutMs: number;
}

/** What happened on one cloud. */
export interface CloudLifecycle {
  cloud: CloudName;
  submitted: number;
  fulfilled: number;
  failedRequests: number;
  /** Every request ended and every node was deleted within the time allowed. */
  finished: boolean;
  /** Launches that did not end ready (failed or aborted), over all launchers. */
  failedLaunches: Array<{ result: string; reason?: string }>;
  /** Creates completed at the cloud, when the first and the last were seen, and [ms, count] every 250 ms (ms since the run began). */
  creates: CreateSeries;
  /** When the run stopped looking (ms since it began). */
  endMs: number;
  /** Per request: submission to fulfilment, ms. */
  fulfilMs: number[];
  /** Per ready launch: the launcher's own launch time (locked node handed to the provider → ready), ms. */
  launchMs: number[];
  allFulfilledMs: number;
  allDeletedMs: number;
  deleted: number;
  /** Calls at the cloud over the whole run. */
  calls: Counters;
  /** Calls the launchers' queues paced for this provider, by action. */
  queued: Record<string, number>;
  /** Calls of this provider the cloud throttled, over all launchers. */
  throttles: number;
}

export interface CreateSeries {
  count: number;
  firstMs: number;
  lastMs: number;
  series: Array<[number, number]>;
}

export interface LifecycleResult {
  options: LifecycleOptions;
  /** How idle the whole machine was from the start of the clock to the end of the run (`MachineLoad`). */
  machine: { idleShare: number; cores: number };
  clouds: CloudLifecycle[];
  /** Per launcher: ZooKeeper operations over the lifecycle, queue throttles, warnings logged. */
  launchers: Array<{
    zk: LauncherStats['zk'];
    zkPaths: Record<string, number>;
    throttles: number;
    /** CPU seconds (user + system) the launcher process spent over the run. */
    cpuSeconds: number;
    log: Record<string, number>;
    warnings: Record<string, number>;
  }>;
}

interface CloudRun {
  cloud: Cloud;
  countersBefore: Counters;
  submittedAt: Map<string, number>;
  fulfilledAt: Map<string, number>;
  done: Map<string, NodeRequestRecord>;
  ids: string[];
  creates: CreateSeries;
  finishedAt: number;
}

/**
 * Node lifecycles as Zuul drives them: one request per node, submitted at a pace or as fast as
 * a backlog allows; each node used and released once fulfilled (at once, or after every
 * request is), then deleted by the launchers. The simulators' counters are polled every 250 ms
 * to time the creates as the clouds saw them.
 */
export async function runLifecycle(harness: Harness, options: LifecycleOptions): Promise<LifecycleResult> {
  const mark = harness.mark();
  try {
    const clouds = await Promise.all(options.clouds.map((name) => harness.startCloud(name)));
    const chroot = harness.chroot(`${options.clouds.join('-')}-${options.launchers}`);
    const launchers = await harness.startLaunchers({ chroot, clouds, count: options.launchers });
    const requester = await harness.requester(chroot);
    // Let the launchers settle (first cleanup pass, quota lookups) before the clock starts.
    await sleep(1500);
    const statsBefore = await Promise.all(launchers.map((l) => l.stats()));
    const start = Date.now();
    const load = new MachineLoad();
    const runs: CloudRun[] = await Promise.all(
      clouds.map(async (cloud) => ({
        cloud,
        countersBefore: await cloud.counters(),
        submittedAt: new Map<string, number>(),
        fulfilledAt: new Map<string, number>(),
        done: new Map<string, NodeRequestRecord>(),
        ids: [],
        creates: { count: 0, firstMs: -1, lastMs: -1, series: [] },
        finishedAt: 0,
      })),
    );

    const releases: Array<Promise<void>> = [];
    const release = (request: NodeRequestRecord) =>
      releases.push(requester.useAndRelease(request).catch((error: unknown) => console.warn(`  release of ${request.id} failed: ${String(error)}`)));
    const onRequest = (request: NodeRequestRecord) => {
      const run = runs.find((r) => r.submittedAt.has(request.id));
      if (!run || run.done.has(request.id) || (request.state !== 'fulfilled' && request.state !== 'failed')) return;
      run.done.set(request.id, request);
      if (request.state === 'fulfilled') {
        run.fulfilledAt.set(request.id, Date.now());
        if (options.releaseAtOnce) release(request);
      }
    };
    requester.requests.on('updated', onRequest);
    requester.requests.on('added', onRequest);

    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const run of runs) {
          const done = counterDelta(await run.cloud.counters(), run.countersBefore)[run.cloud.profile.createAction]?.ok ?? 0;
          const at = Date.now() - start;
          if (done > 0 && run.creates.firstMs < 0) run.creates.firstMs = at;
          if (done > run.creates.count) run.creates.lastMs = at;
          run.creates.count = done;
          run.creates.series.push([at, done]);
        }
        await sleep(250);
      }
    })();

    await Promise.all(
      runs.map(async (run, index) => {
        const { label } = run.cloud.profile;
        // Spread the clouds' submissions a little so their requests interleave.
        await sleep((index * 1000) / (options.submitPerSecond ?? 1000) / runs.length);
        while (run.ids.length < options.nodes) {
          if (options.submitForMs !== undefined && Date.now() - start >= options.submitForMs) break;
          const backlog = options.backlog?.[run.cloud.profile.name];
          if (backlog !== undefined && run.ids.length - run.creates.count >= backlog) {
            await sleep(50);
            continue;
          }
          if (options.submitPerSecond) await sleep(Math.max(0, start + (run.ids.length * 1000) / options.submitPerSecond - Date.now()));
          const id = await requester.submit(label);
          run.submittedAt.set(id, Date.now());
          run.ids.push(id);
          const current = requester.requests.get(id);
          if (current) onRequest(current);
        }
        const timeLeft = options.readyTimeoutMs - (Date.now() - start);
        if (options.createsOnly) await waitUntil(() => run.creates.count >= run.ids.length || Date.now() - start >= (options.submitForMs ?? Infinity), timeLeft, 100);
        else await waitUntil(() => run.done.size >= run.ids.length, timeLeft, 100);
        run.finishedAt = Date.now();
      }),
    );

    if (options.createsOnly) {
      polling = false;
      await poller;
      const machine = load.idle();
      const statsAfter = await Promise.all(launchers.map((l) => l.stats()));
      return {
        options,
        machine,
        clouds: await Promise.all(runs.map((run) => cloudResult(run, launchers.flatMap((l) => l.launches), statsAfter, statsBefore, requester, start, undefined))),
        launchers: launcherResults(statsAfter, statsBefore, launchers),
      };
    }

    // Release what was fulfilled, give up on the rest, and wait for the launchers to delete the nodes.
    const allDone = runs.flatMap((r) => [...r.done.values()]);
    if (!options.releaseAtOnce) for (const request of allDone) if (request.state === 'fulfilled') release(request);
    await Promise.all(releases);
    const unfinished = runs.flatMap((r) => r.ids.filter((id) => !r.done.has(id)));
    await inParallel(unfinished, 20, (id) => requester.zk.deleteRequest(id));
    const nodeIds = (run: CloudRun) => [...run.done.values()].flatMap((r) => r.nodes);
    const deletedAt = new Map<CloudRun, number>();
    await waitUntil(
      () => {
        for (const run of runs) if (!deletedAt.has(run) && nodeIds(run).every((id) => !requester.nodes.get(id))) deletedAt.set(run, Date.now());
        return deletedAt.size === runs.length;
      },
      options.deleteTimeoutMs,
      100,
    );
    polling = false;
    await poller;
    const machine = load.idle();
    const statsAfter = await Promise.all(launchers.map((l) => l.stats()));
    const launches: LaunchEvent[] = launchers.flatMap((l) => l.launches);

    return {
      options,
      machine,
      clouds: await Promise.all(runs.map((run) => cloudResult(run, launches, statsAfter, statsBefore, requester, start, deletedAt.get(run)))),
      launchers: launcherResults(statsAfter, statsBefore, launchers),
    };
  } finally {
    // A run that only timed the creates leaves launches in flight: the launchers are killed.
    await harness.release(mark, options.createsOnly ? 2_000 : 60_000);
  }
}

async function cloudResult(
  run: CloudRun,
  launches: LaunchEvent[],
  statsAfter: LauncherStats[],
  statsBefore: LauncherStats[],
  requester: Requester,
  start: number,
  deletedAt: number | undefined,
): Promise<CloudLifecycle> {
  const { provider } = run.cloud.profile;
  const mine = launches.filter((l) => l.provider === provider);
  const nodeIds = [...run.done.values()].flatMap((r) => r.nodes);
  return {
    cloud: run.cloud.profile.name,
    submitted: run.ids.length,
    fulfilled: run.fulfilledAt.size,
    failedRequests: [...run.done.values()].filter((r) => r.state === 'failed').length,
    finished: run.done.size === run.ids.length && deletedAt !== undefined,
    failedLaunches: mine.filter((l) => l.result !== 'ready').map((l) => ({ result: l.result, ...(l.reason ? { reason: l.reason } : {}) })),
    creates: run.creates,
    endMs: Date.now() - start,
    fulfilMs: [...run.fulfilledAt].map(([id, at]) => at - run.submittedAt.get(id)!),
    launchMs: mine.filter((l) => l.result === 'ready').map((l) => l.durationMs),
    allFulfilledMs: run.finishedAt - start,
    allDeletedMs: (deletedAt ?? Date.now()) - start,
    deleted: nodeIds.filter((id) => !requester.nodes.get(id)).length,
    calls: counterDelta(await run.cloud.counters(), run.countersBefore),
    queued: queuedCalls(statsAfter, statsBefore, provider),
    throttles: providerThrottles(statsAfter, provider) - providerThrottles(statsBefore, provider),
  };
}

function launcherResults(statsAfter: LauncherStats[], statsBefore: LauncherStats[], launchers: LauncherProcess[]): LifecycleResult['launchers'] {
  return statsAfter.map((after, i) => ({
    ...zkAndThrottles(after, statsBefore[i]!),
    zkPaths: Object.fromEntries(Object.entries(after.zkPaths).map(([key, n]) => [key, n - (statsBefore[i]!.zkPaths[key] ?? 0)])),
    cpuSeconds: (after.cpu.user + after.cpu.system - statsBefore[i]!.cpu.user - statsBefore[i]!.cpu.system) / 1e6,
    log: after.log,
    warnings: Object.fromEntries(launchers[i]!.host.warnings),
  }));
}

function queuedCalls(after: LauncherStats[], before: LauncherStats[], provider: string): Record<string, number> {
  const calls: Record<string, number> = {};
  after.forEach((stats, i) => {
    for (const [action, counts] of Object.entries(stats.queues[provider]?.actions ?? {})) {
      calls[action] = (calls[action] ?? 0) + counts.calls - (before[i]?.queues[provider]?.actions[action]?.calls ?? 0);
    }
  });
  return calls;
}

function providerThrottles(stats: LauncherStats[], provider: string): number {
  return stats.reduce((sum, s) => sum + Object.values(s.queues[provider]?.actions ?? {}).reduce((n, a) => n + a.throttles, 0), 0);
}

function zkAndThrottles(after: LauncherStats, before: LauncherStats): { zk: LauncherStats['zk']; throttles: number } {
  const byOperation: Record<string, number> = {};
  for (const [operation, n] of Object.entries(after.zk.byOperation)) byOperation[operation] = n - (before.zk.byOperation[operation] ?? 0);
  const throttlesOf = (stats: LauncherStats) =>
    Object.values(stats.queues).reduce((sum, queue) => sum + Object.values(queue.actions).reduce((s, a) => s + a.throttles, 0), 0);
  return {
    zk: {
      reads: after.zk.reads - before.zk.reads,
      writes: after.zk.writes - before.zk.writes,
      watchesSet: after.zk.watchesSet - before.zk.watchesSet,
      watchEvents: after.zk.watchEvents - before.zk.watchEvents,
      byOperation,
    },
    throttles: throttlesOf(after) - throttlesOf(before),
  };
}

/** The same lifecycle, once per run of the harness: benchmarks that read the same scenario share it. */
export function sharedLifecycle(harness: Harness, key: string, options: LifecycleOptions): Promise<LifecycleResult> {
  return harness.once(`lifecycle:${key}`, () => runLifecycle(harness, options));
}
