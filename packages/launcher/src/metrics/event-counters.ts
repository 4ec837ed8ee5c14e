import { EVIDENCE_KINDS, summarizeCleanup, type ApiCallEvent, type ApiQueueStats, type CleanupReport } from '@cloudpool/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LauncherEvents } from '../context.js';

/** What the counters follow: the launcher's events and the calls of its providers' API queues. */
export interface EventCounters {
  launch(event: LauncherEvents['launch'][0]): void;
  request(event: LauncherEvents['request'][0]): void;
  cleanupPass(report: CleanupReport): void;
  apiCall(event: ApiCallEvent): void;
  /** Counts the calls a queue finished before it was followed (their durations are not known). */
  earlierApiCalls(stats: ApiQueueStats): void;
}

/** Registers the counters and histograms of launches, request outcomes, API calls and leak cleanup. */
export function registerEventCounters(registry: Registry): EventCounters {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers });

  const launches = counter('cloudpool_launches_total', 'Node launches that ended, by provider, label and result (ready, failed, aborted: a cloud quota error).', [
    'provider',
    'label',
    'result',
  ]);
  const launchDuration = histogram(
    'cloudpool_launch_duration_seconds',
    'Time from the start of a launch to its end, by provider, label and result.',
    ['provider', 'label', 'result'],
    [1, 5, 15, 30, 60, 120, 180, 300, 600, 900, 1800],
  );
  const requestOutcomes = counter(
    'cloudpool_request_outcomes_total',
    "Requests this launcher's pools finished handling, by provider, pool and outcome (fulfilled, declined, requeued, lost).",
    ['provider', 'pool', 'outcome'],
  );

  const apiCalls = counter('cloudpool_api_calls_total', 'Cloud API calls that ended, by provider, action and outcome (success, or the kind of error).', [
    'provider',
    'action',
    'outcome',
  ]);
  const apiThrottles = counter('cloudpool_api_throttles_total', 'Cloud API calls the cloud throttled, by provider and action.', ['provider', 'action']);
  const apiDuration = histogram(
    'cloudpool_api_call_duration_seconds',
    'Time a cloud API call took once sent (not counting its wait in the queue), by provider and action.',
    ['provider', 'action'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  const apiWait = histogram(
    'cloudpool_api_call_wait_seconds',
    "Time a cloud API call waited in its provider's queue for a rate token or a concurrency slot, by provider.",
    ['provider'],
    [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
  );

  const cleanupPasses = counter('cloudpool_cleanup_passes_total', 'Leak-cleanup passes this launcher ran as the elected cleaner of a provider.', ['provider']);
  const cleanupCandidates = counter('cloudpool_cleanup_candidates_total', 'Resources of ours whose node is gone from ZooKeeper, as leak-cleanup passes saw them, by type.', [
    'provider',
    'type',
  ]);
  const cleanupDeleted = counter('cloudpool_cleanup_deleted_total', 'Leaked resources deleted, by type.', ['provider', 'type']);
  const cleanupFailed = counter('cloudpool_cleanup_delete_failures_total', 'Deletes of leaked resources the cloud refused, by type.', ['provider', 'type']);
  const cleanupSpared = counter(
    'cloudpool_cleanup_spared_total',
    'Leak candidates a pass did not delete, by type and the rule that spared them (protected, first-sighting, too-young, breaker, dry-run).',
    ['provider', 'type', 'rule'],
  );
  const breakerTrips = counter('cloudpool_cleanup_breaker_trips_total', 'Leak-cleanup passes the breaker (on evidence) or the opt-in share stop stopped.', ['provider']);
  const breakerTripped = new Gauge({
    name: 'cloudpool_cleanup_breaker_tripped',
    help: "1 while a provider's leak-cleanup breaker is tripped on evidence that ZooKeeper lost data, by evidence kind (cleared by an operator: cloudpool cleanup --clear-breaker); 0 otherwise.",
    labelNames: ['provider', 'evidence'],
    registers,
  });
  const otherInstallations = new Gauge({
    name: 'cloudpool_cleanup_other_installation_instances',
    help: "Instances with this provider's tag and another installation's cloudpool_system_id, by that id, as the last leak-cleanup pass listed them.",
    labelNames: ['provider', 'system_id'],
    registers,
  });
  /** The system ids `otherInstallations` shows per provider, to drop those the next pass no longer lists. */
  const shownOthers = new Map<string, string[]>();
  const abortedPasses = counter('cloudpool_cleanup_aborted_passes_total', 'Leak-cleanup passes that deleted nothing because a read failed.', ['provider']);

  return {
    launch(e) {
      const labels = { provider: e.provider, label: e.label, result: e.result };
      launches.inc(labels);
      launchDuration.observe(labels, e.durationMs / 1000);
    },
    request(e) {
      requestOutcomes.inc({ provider: e.provider, pool: e.pool, outcome: e.outcome });
    },
    cleanupPass(report) {
      const summary = summarizeCleanup(report);
      const provider = summary.provider;
      cleanupPasses.inc({ provider });
      if (summary.breakerTrip) breakerTrips.inc({ provider });
      if (!summary.aborted) {
        for (const kind of EVIDENCE_KINDS) breakerTripped.set({ provider, evidence: kind }, summary.evidenceKinds?.includes(kind) ? 1 : 0);
        for (const systemId of shownOthers.get(provider) ?? []) otherInstallations.remove({ provider, system_id: systemId });
        for (const [systemId, count] of Object.entries(summary.otherInstallations)) otherInstallations.set({ provider, system_id: systemId }, count);
        shownOthers.set(provider, Object.keys(summary.otherInstallations));
      }
      if (summary.aborted) abortedPasses.inc({ provider });
      for (const [type, counts] of Object.entries(summary.byType)) {
        cleanupCandidates.inc({ provider, type }, counts.candidates);
        cleanupDeleted.inc({ provider, type }, counts.deleted);
        cleanupFailed.inc({ provider, type }, counts.failed);
        for (const [rule, count] of Object.entries(counts.spared)) cleanupSpared.inc({ provider, type, rule }, count);
      }
    },
    apiCall(e) {
      apiCalls.inc({ provider: e.queue, action: e.action, outcome: e.outcome });
      if (e.outcome === 'throttled') apiThrottles.inc({ provider: e.queue, action: e.action });
      apiDuration.observe({ provider: e.queue, action: e.action }, e.durationMs / 1000);
      apiWait.observe({ provider: e.queue }, e.waitedMs / 1000);
    },
    earlierApiCalls(stats) {
      for (const [action, counts] of Object.entries(stats.actions)) {
        const failures = Object.entries(counts.failures);
        const failed = failures.reduce((sum, [, n]) => sum + n, 0);
        if (counts.calls > failed) apiCalls.inc({ provider: stats.name, action, outcome: 'success' }, counts.calls - failed);
        for (const [outcome, n] of failures) apiCalls.inc({ provider: stats.name, action, outcome }, n);
        if (counts.throttles > 0) apiThrottles.inc({ provider: stats.name, action }, counts.throttles);
      }
    },
  };
}
