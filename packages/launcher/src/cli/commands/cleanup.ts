import os from 'node:os';
import { clearBreaker, cleanupReportJson, formatCleanupReport, ZkSightingsStore, type NodepoolConfig, type NodepoolZk } from '@cloudpool/common';
import { Command } from 'commander';
import { runCleanupJob, type CleanupOutcome } from '../../cleanup/cleanup-job.js';
import { CliError, errorLine } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { commandLogger } from '../logging.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { untilSignal } from '../signals.js';
import { withZooKeeper } from '../zookeeper.js';

interface CleanupOptions {
  provider?: string[];
  dryRun?: boolean;
  once?: boolean;
  force?: boolean;
  clearBreaker?: boolean;
}

/** Exit code when the run could not start or went wrong: configuration, ZooKeeper, unknown provider, no installation id. */
const COULD_NOT_RUN = 2;

/**
 * `cleanup [--provider NAME]... [--dry-run] [--once] [--force] [--json]`: leak cleanup outside
 * the launcher (see `runCleanupJob`). Prints each pass as it ends: the table of every resource
 * considered, its age, the rule that decided and what was done; or, with `--json`, one line of
 * JSON per pass (see `CleanupReportJson`) or skipped provider (`{"provider", "skipped", "failed"}`).
 * Without `--once` it runs a pass every `cloudpool.cleanup.interval` until SIGTERM or SIGINT,
 * then prints the totals under their statsd names (`{"totals": {...}}` with `--json`).
 * Exits 0 when every pass went well (a provider a launcher cleans is skipped, which is fine);
 * 1 when a pass aborted, the breaker tripped, a delete failed, sightings were not stored, a
 * provider could not start or its election was lost; 2 when the run could not run at all.
 * `--clear-breaker` runs no pass: it lifts each selected provider's tripped breaker and
 * acknowledges the evidence it holds (those resources are then judged by the leak rules again),
 * printing what was cleared.
 */
export function cleanupCommand(io: CliIo): Command {
  return withCommonOptions(new Command('cleanup'))
    .description('delete leaked cloud resources: tagged as ours, their node gone from ZooKeeper on two passes')
    .option('--provider <name>', 'clean only this provider (repeatable; default: all)', (name: string, names: string[] = []) => [...names, name])
    .option('--dry-run', 'delete nothing; show what would be deleted')
    .option('--once', 'run one pass and exit (for cron), continuing from the sightings stored in ZooKeeper')
    .option('--force', 'delete even when the opt-in share stop (max-delete-share) trips; never overrides a breaker tripped on evidence')
    .option('--clear-breaker', 'run no pass: clear the breaker tripped on evidence that ZooKeeper lost data, acknowledging that evidence')
    .action(async (options: CleanupOptions, command: Command) => {
      const json = wantsJson(command);
      const { config, drivers } = await orCouldNotRun(loadConfigFile(configPath(command), io));
      if (options.clearBreaker) {
        const lines = await orCouldNotRun(withZooKeeper(config, (zk) => clearBreakers(zk, config, options.provider ?? [], io)));
        for (const line of lines) io.stdout.write(json ? `${JSON.stringify(line)}\n` : `${line.text}\n`);
        return;
      }
      const stop = new AbortController();
      if (!options.once) void untilSignal(io.signals, ['SIGTERM', 'SIGINT']).then(() => stop.abort());
      const result = await orCouldNotRun(
        withZooKeeper(config, (zk) =>
          runCleanupJob(zk, {
            config,
            drivers,
            ...(options.provider ? { providers: options.provider } : {}),
            dryRun: options.dryRun === true,
            once: options.once === true,
            force: options.force === true,
            signal: stop.signal,
            onOutcome: (outcome) => io.stdout.write(json ? `${JSON.stringify(outcomeJson(outcome))}\n` : `${outcomeText(outcome)}\n`),
            logger: commandLogger(io),
            clock: io.clock,
            identifier: `cloudpool-cleanup-${os.hostname()}-${process.pid}`,
          }),
        ),
      );
      if (!options.once) {
        const totals = result.stats.snapshot();
        io.stdout.write(json ? `${JSON.stringify({ totals: Object.fromEntries(totals) })}\n` : `totals:\n${[...totals].map(([name, value]) => `  ${name} ${value}\n`).join('')}`);
      }
      if (result.attention.length > 0) throw new CliError(`leak cleanup needs attention: ${result.attention.join('; ')}`);
    });
}

/** Clears the breaker of every selected provider (all when none is named); one line per provider. */
async function clearBreakers(zk: NodepoolZk, config: NodepoolConfig, wanted: readonly string[], io: CliIo): Promise<Array<{ provider: string; cleared: boolean; text: string }>> {
  const unknown = wanted.filter((name) => !config.providers.has(name));
  if (unknown.length > 0) throw new Error(`no provider named ${unknown.join(', ')} in the configuration`);
  const names = wanted.length > 0 ? wanted : [...config.providers.keys()];
  const lines = [];
  for (const provider of names) {
    const trip = await clearBreaker(new ZkSightingsStore(zk.client, provider, io.clock));
    const text = trip
      ? `provider ${provider}: breaker cleared (tripped ${new Date(trip.trippedAt).toISOString()}); acknowledged ${trip.evidence.length} pieces of evidence:\n${trip.evidence.map((e) => `  ${e.kind}: ${e.detail}`).join('\n')}`
      : `provider ${provider}: breaker not tripped`;
    lines.push({ provider, cleared: trip !== undefined, text });
  }
  return lines;
}

/** `work`'s result; any failure of it becomes a one-line CliError with the exit code of a run that could not run. */
async function orCouldNotRun<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new CliError(errorLine(error), COULD_NOT_RUN);
  }
}

function outcomeText(outcome: CleanupOutcome): string {
  if (!('report' in outcome)) return `provider ${outcome.provider}: ${outcome.skipped}`;
  const table = formatCleanupReport(outcome.report);
  return outcome.beside ? `${table}\n  (beside ${outcome.beside}, the elected cleaner: its sightings, read only)` : table;
}

function outcomeJson(outcome: CleanupOutcome): unknown {
  if (!('report' in outcome)) return outcome;
  return { ...cleanupReportJson(outcome.report), ...(outcome.beside ? { beside: outcome.beside } : {}) };
}
