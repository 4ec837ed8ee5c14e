import { compareRequestIds, NODE_STATES, REQUEST_STATES, type CleanupSummary, type NodeState, type RequestState } from '@cloudpool/common';
import type { Launcher } from '../launcher.js';
import type { QuotaReader, ResourceQuota } from '../metrics/quota-reader.js';
import { providerHealth, type ProviderHealthEntry } from '../providers/provider-health.js';
import type { LaunchEntry, RecentActivity } from './recent-activity.js';

/** One provider of this launcher on the dashboard. */
export interface ProviderStatus {
  name: string;
  driver: string;
  /** A newer copy of the provider is taking over (config reload). */
  idled: boolean;
  /** Whether this launcher runs the provider's leak cleanup. */
  cleanupLeader: boolean;
  pools: Array<{ name: string; paused: boolean; activeRequests: number }>;
  quota: ResourceQuota[];
  nodes: Partial<Record<NodeState, number>>;
  api: { waiting: number; inFlight: number; ratePerSecond: { read: number; write: number }; calls: number; throttles: number };
  /** The last leak-cleanup pass this launcher ran for the provider. */
  cleanup?: CleanupSummary;
}

/** What `/api/status` returns: everything the dashboard shows. */
export interface DashboardStatus {
  launcher: string;
  ready: boolean;
  zookeeper: string;
  /** Epoch ms, on the launcher's clock. */
  now: number;
  /** All nodes in ZooKeeper, whoever launched them. */
  nodes: Record<NodeState, number>;
  requests: {
    byState: Record<RequestState, number>;
    /** The first requests waiting for a launcher, in service order. */
    waiting: Array<{ id: string; labels: string[]; requestor: string | null; ageSeconds: number }>;
  };
  providers: ProviderStatus[];
  /** Every configured provider's health, running or not (the dashboard's health line). */
  health: ProviderHealthEntry[];
  launches: LaunchEntry[];
  failures: LaunchEntry[];
}

const WAITING_SHOWN = 10;

/** Reads the launcher's caches, providers and recent activity into one JSON-ready snapshot. */
export async function statusSnapshot(launcher: Launcher, parts: { quota: QuotaReader; activity: RecentActivity; ready: boolean }): Promise<DashboardStatus> {
  const { context } = launcher;
  const now = context.clock.now();
  const nodes = context.nodes.values();
  const requests = context.requests.values();
  const quota = new Map((await parts.quota.read()).map((q) => [q.provider, q.resources]));
  const leaders = launcher.cleanupLeaders();
  const workers = launcher.poolWorkers();
  const providers = [...launcher.runtimes().values()].map((runtime): ProviderStatus => {
    const stats = runtime.queue.stats();
    const actions = Object.values(stats.actions);
    const cleanup = parts.activity.lastCleanup(runtime.name);
    return {
      name: runtime.name,
      driver: runtime.config.driver,
      idled: runtime.provider.idled,
      cleanupLeader: leaders.get(runtime.name)?.leading ?? false,
      pools: workers.filter((w) => w.runtime === runtime).map((w) => ({ name: w.pool.name, paused: w.isPaused, activeRequests: w.activeRequests.length })),
      quota: quota.get(runtime.name) ?? [],
      nodes: countBy(
        nodes.filter((n) => n.provider === runtime.name),
        (n) => n.state,
      ),
      api: {
        waiting: stats.waiting,
        inFlight: stats.inFlight,
        ratePerSecond: stats.effectiveRatePerSecond,
        calls: actions.reduce((sum, a) => sum + a.calls, 0),
        throttles: actions.reduce((sum, a) => sum + a.throttles, 0),
      },
      ...(cleanup ? { cleanup } : {}),
    };
  });
  const waiting = requests.filter((r) => r.state === 'requested').sort((a, b) => compareRequestIds(a.id, b.id));
  return {
    launcher: context.launcherId,
    ready: parts.ready,
    zookeeper: context.client.connectionState,
    now,
    nodes: { ...zeros(NODE_STATES), ...countBy(nodes, (n) => n.state) },
    requests: {
      byState: { ...zeros(REQUEST_STATES), ...countBy(requests, (r) => r.state) },
      waiting: waiting.slice(0, WAITING_SHOWN).map((r) => ({
        id: r.id,
        labels: r.node_types,
        requestor: r.requestor,
        ageSeconds: Math.max(0, Math.round(now / 1000 - (r.created_time ?? r.state_time))),
      })),
    },
    providers,
    health: providerHealth(launcher),
    launches: parts.activity.launches(),
    failures: parts.activity.failures(),
  };
}

function countBy<T, K extends string>(items: readonly T[], key: (item: T) => K): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
