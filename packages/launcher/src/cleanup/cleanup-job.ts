import { setTimeout as sleep } from 'node:timers/promises';
import {
  CleanupStats,
  electionPath,
  passProblems,
  readOnlySightings,
  ZkLock,
  ZkSightingsStore,
  type CleanupReport,
  type Clock,
  type Driver,
  type NodepoolConfig,
  type NodepoolZk,
  type SightingsStore,
} from '@cloudpool/common';
import type { Logger } from 'pino';
import { errorLine } from '../cli/cli-error.js';
import { DEFAULT_TIMINGS } from '../context.js';
import { readInstallationId } from '../installation-id.js';
import { ProviderRuntime, type ProviderRuntimeContext } from '../providers/provider-runtime.js';
import { cleanupElectionName } from './cleanup-leader.js';

export interface CleanupJobOptions {
  config: NodepoolConfig;
  drivers: ReadonlyMap<string, Driver>;
  /** Providers to clean; default every configured one. An unknown name is an error. */
  providers?: readonly string[];
  /** Delete nothing (also when the configuration says `dry-run`). */
  dryRun?: boolean;
  /** One pass per provider, continuing from the stored sightings; otherwise a pass every `cloudpool.cleanup.interval`. */
  once?: boolean;
  /** Override the mass-deletion breaker. */
  force?: boolean;
  /** Ends a run without `once` (SIGTERM) once the passes in progress are done. */
  signal?: AbortSignal;
  /** Receives every pass's report and every provider not cleaned, as they happen. */
  onOutcome(outcome: CleanupOutcome): void;
  logger: Logger;
  clock: Clock;
  /** This run's name among the election contenders. */
  identifier: string;
}

export type CleanupOutcome =
  /** A pass; `beside` names the elected cleaner when this was a dry run next to it (its sightings, read only). */
  | { provider: string; report: CleanupReport; beside?: string }
  /** A provider this run does not (or no longer) clean; `failed` when that needs an operator's attention. */
  | { provider: string; skipped: string; failed: boolean };

export interface CleanupJobResult {
  /** What needs an operator's attention, `<provider>: <what>` (see `passProblems`); empty when all went well. */
  attention: string[];
  /** Totals over every pass of the run. */
  stats: CleanupStats;
}

/** One provider as the job cleans it. */
interface Cleaner {
  name: string;
  runtime: ProviderRuntime;
  sightings: SightingsStore;
  /** The cleanup election's lock, when this run holds it. */
  lock?: ZkLock;
  /** The elected cleaner this dry run runs beside. */
  beside?: string;
}

/**
 * `cloudpool cleanup`: leak cleanup outside the launcher, for a cron job or an operator. Takes
 * each provider's cleanup election without waiting: a provider that a launcher (or another run)
 * is cleaning is skipped, except for a dry run, which then reads the elected cleaner's sightings
 * and stores nothing. Otherwise the run is the provider's cleaner: its passes load and store the
 * sightings in ZooKeeper as a launcher's do, so `--once` runs continue the two-pass rule from
 * one run (or launcher) to the next. Resolves when the run ends; throws when it cannot start.
 */
export async function runCleanupJob(zk: NodepoolZk, options: CleanupJobOptions): Promise<CleanupJobResult> {
  const names = selectedProviders(options.config, options.providers);
  const context = jobContext(zk, await readInstallationId(zk, options.config, 'clean'), options);
  const stats = new CleanupStats();
  const attention: string[] = [];
  const record = (outcome: CleanupOutcome) => {
    if ('report' in outcome) stats.record(outcome.report);
    const problems = 'report' in outcome ? passProblems(outcome.report) : outcome.failed ? [outcome.skipped] : [];
    attention.push(...problems.map((problem) => `${outcome.provider}: ${problem}`));
    options.onOutcome(outcome);
  };
  const cleaners: Cleaner[] = [];
  try {
    for (const name of names) {
      const cleaner = await claim(name, context, options).catch((error: unknown) => {
        record({ provider: name, skipped: `cannot start: ${errorLine(error)}`, failed: true });
        return undefined;
      });
      if (typeof cleaner === 'string') record({ provider: name, skipped: cleaner, failed: false });
      else if (cleaner) cleaners.push(cleaner);
    }
    const pass = { force: options.force === true, ...(options.dryRun ? { dryRun: true } : {}) };
    let active = cleaners;
    while (active.length > 0) {
      for (const lost of active.filter((c) => c.lock && !c.lock.isHeld)) {
        record({ provider: lost.name, skipped: 'lost the cleanup election (ZooKeeper session lost): no more passes', failed: true });
      }
      active = active.filter((c) => !c.lock || c.lock.isHeld);
      await Promise.all(
        active.map(async (c) => {
          const result = await c.runtime.provider.cleanupLeakedResources({ ...pass, sightings: c.sightings });
          if (result) record({ provider: c.name, report: result, ...(c.beside ? { beside: c.beside } : {}) });
        }),
      );
      if (options.once || options.signal?.aborted) break;
      await sleep(options.config.cloudpool.cleanup.interval * 1000, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal?.aborted) break;
    }
  } finally {
    for (const cleaner of cleaners) {
      await cleaner.lock?.release();
      await cleaner.runtime.stop();
    }
  }
  return { attention, stats };
}

/** The names to clean, in configuration order. */
function selectedProviders(config: NodepoolConfig, wanted: readonly string[] | undefined): string[] {
  const configured = [...config.providers.keys()];
  const unknown = (wanted ?? []).filter((name) => !config.providers.has(name));
  if (unknown.length > 0) throw new Error(`no provider named ${unknown.join(', ')} in the configuration (it has: ${configured.join(', ') || 'none'})`);
  return wanted && wanted.length > 0 ? configured.filter((name) => wanted.includes(name)) : configured;
}

/** What a provider runtime needs; the job follows no node or request records. */
function jobContext(zk: NodepoolZk, systemId: string, options: CleanupJobOptions): ProviderRuntimeContext {
  return {
    zk,
    systemId,
    logger: options.logger,
    clock: options.clock,
    timings: DEFAULT_TIMINGS,
    config: () => options.config,
  };
}

/**
 * Takes the provider's cleanup election without waiting and starts its runtime; resolves why
 * it is skipped when another cleaner holds the election and this is no dry run.
 */
async function claim(name: string, context: ProviderRuntimeContext, options: CleanupJobOptions): Promise<Cleaner | string> {
  const lock = new ZkLock(context.zk.client, electionPath(cleanupElectionName(name)), { identifier: options.identifier });
  const store = new ZkSightingsStore(context.zk.client, name, context.clock);
  let cleaner: Omit<Cleaner, 'runtime'>;
  if (await lock.acquire({ blocking: false })) {
    cleaner = { name, sightings: store, lock };
  } else {
    const leader = (await lock.contenders())[0] ?? 'another cleaner';
    if (!(options.dryRun || options.config.cloudpool.cleanup.dryRun)) return `${leader} is cleaning it; skipped (--dry-run shows what it would delete)`;
    cleaner = { name, sightings: readOnlySightings(store), beside: leader };
  }
  let runtime: ProviderRuntime | undefined;
  try {
    const providerConfig = options.config.providers.get(name)!;
    const driver = options.drivers.get(providerConfig.driver);
    if (!driver) throw new Error(`unknown driver "${providerConfig.driver}"`);
    runtime = new ProviderRuntime(providerConfig, driver, context);
    await runtime.start();
    return { ...cleaner, runtime };
  } catch (error) {
    await runtime?.stop().catch(() => undefined);
    await lock.release();
    throw error;
  }
}
