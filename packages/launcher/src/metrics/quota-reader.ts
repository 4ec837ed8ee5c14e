import type { Provider, QuotaSet } from '@cloudpool/common';
import type { Launcher } from '../launcher.js';

/** One resource of a provider: what its nodes use and what it may use. */
export interface ResourceQuota {
  resource: string;
  /** Sum of the `resources` of the provider's nodes in ZooKeeper, in every state. */
  used: number;
  /** The cloud's limit, net of usage the provider does not manage; absent: unlimited or not known yet. */
  cloudLimit?: number;
  /** The sum of the pools' limits (`max-servers`, `max-cores`...); absent when some pool has none. */
  poolLimit?: number;
}

export interface ProviderQuota {
  provider: string;
  resources: ResourceQuota[];
}

interface LimitsEntry {
  value?: QuotaSet;
  fetchedAt: number;
  refreshing?: Promise<void>;
}

const RESOURCE_ORDER = ['instances', 'cores', 'ram'];

/**
 * Quota used and limits of every running provider, for scrapes and the dashboard. Usage comes
 * from the node cache. Cloud limits come from the provider's `getQuotaLimits()` at most once
 * per `ttlMs` and are refreshed in the background while the last value is served, so scrapes
 * never hammer the cloud; a reader waits at most `waitMs` for the very first value.
 */
export class QuotaReader {
  private readonly limits = new WeakMap<Provider, LimitsEntry>();

  constructor(
    private readonly launcher: Pick<Launcher, 'runtimes' | 'context'>,
    private readonly options: { ttlMs: number; waitMs: number } = { ttlMs: 30_000, waitMs: 1000 },
  ) {}

  async read(): Promise<ProviderQuota[]> {
    const nodes = this.launcher.context.nodes.values();
    const runtimes = [...this.launcher.runtimes().values()];
    return Promise.all(
      runtimes.map(async ({ name, provider, config }) => {
        const used = new Map<string, number>();
        for (const node of nodes) {
          if (node.provider !== name) continue;
          for (const [key, value] of Object.entries(node.resources ?? {})) used.set(key, (used.get(key) ?? 0) + value);
        }
        const cloud = await this.cloudLimits(provider);
        const pools = [...config.pools.values()].map((p) => p.limits);
        const keys = new Set([...used.keys(), ...(cloud?.keys() ?? []), ...pools.flatMap((l) => l.keys())]);
        const resources = [...keys].sort(byResourceOrder).map((resource): ResourceQuota => {
          const poolLimits = pools.map((l) => l.get(resource));
          const cloudLimit = cloud?.get(resource);
          return {
            resource,
            used: used.get(resource) ?? 0,
            ...(cloudLimit !== undefined ? { cloudLimit } : {}),
            ...(pools.length > 0 && poolLimits.every((l) => l !== undefined) ? { poolLimit: poolLimits.reduce((a, b) => a + b, 0) } : {}),
          };
        });
        return { provider: name, resources };
      }),
    );
  }

  private async cloudLimits(provider: Provider): Promise<QuotaSet | undefined> {
    const { clock, logger } = this.launcher.context;
    let entry = this.limits.get(provider);
    if (!entry) this.limits.set(provider, (entry = { fetchedAt: Number.NEGATIVE_INFINITY }));
    const current = entry;
    if (!current.refreshing && clock.now() - current.fetchedAt >= this.options.ttlMs) {
      current.refreshing = provider
        .getQuotaLimits()
        .then((value) => {
          current.value = value;
        })
        .catch((error: unknown) => logger.warn({ provider: provider.name, err: error }, 'could not read cloud quota limits for metrics'))
        .finally(() => {
          current.fetchedAt = clock.now();
          current.refreshing = undefined;
        });
    }
    if (current.value === undefined && current.refreshing) await within(current.refreshing, this.options.waitMs);
    return current.value;
  }
}

function byResourceOrder(a: string, b: string): number {
  const rank = (r: string) => (RESOURCE_ORDER.includes(r) ? RESOURCE_ORDER.indexOf(r) : RESOURCE_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
