import { QuotaSet } from './quota-set.js';

/** One quota layer: what may be used and what is used now. */
export interface QuotaLayer {
  limits: QuotaSet;
  used: QuotaSet;
}

/** The three layers of Nodepool's quota; all must allow a launch. An absent layer does not limit. */
export interface QuotaLayers {
  /** max-servers, max-cores, max-ram, max-volumes, max-volume-gb, max-resources minus this pool's nodes. */
  pool: QuotaLayer;
  /** Cloud limits (minus usage this provider does not manage) minus this provider's instances and nodes. */
  cloud?: QuotaLayer;
  /** tenant-resource-limits minus every node of the tenant, across providers. */
  tenant?: QuotaLayer;
}

export type QuotaLayerName = keyof QuotaLayers;

export type QuotaVerdict =
  | { verdict: 'fits' }
  /** Fits the limits but not alongside current usage: wait (the pool pauses). */
  | { verdict: 'later'; layer: QuotaLayerName; keys: string[] }
  /** Exceeds a limit even with nothing used: decline. */
  | { verdict: 'never'; layer: QuotaLayerName; keys: string[] };

const ORDER: QuotaLayerName[] = ['pool', 'cloud', 'tenant'];

/**
 * Decides whether `need` (the sum for every node a request still needs) can launch now. A
 * `never` from any layer wins over a `later`, so a request that can never fit is declined at
 * once rather than pausing the pool forever.
 */
export function checkQuota(need: QuotaSet, layers: QuotaLayers): QuotaVerdict {
  let later: QuotaVerdict | undefined;
  for (const name of ORDER) {
    const layer = layers[name];
    if (!layer) continue;
    const never = layer.limits.exceeded(need);
    if (never.length > 0) return { verdict: 'never', layer: name, keys: never };
    const now = layer.limits.subtract(layer.used).exceeded(need);
    if (now.length > 0 && !later) later = { verdict: 'later', layer: name, keys: now };
  }
  return later ?? { verdict: 'fits' };
}

/** Human-readable reason for logs and the decline record, e.g. `pool quota (cores, ram) exceeded`. */
export function describeVerdict(verdict: QuotaVerdict): string {
  if (verdict.verdict === 'fits') return 'fits';
  const when = verdict.verdict === 'never' ? 'can never fit' : 'does not fit now';
  return `${when}: ${verdict.layer} quota (${verdict.keys.join(', ')})`;
}

/** Sums quota sets (e.g. the `resources` of many nodes). */
export function sumQuota(sets: Iterable<QuotaSet>): QuotaSet {
  let total = QuotaSet.empty();
  for (const set of sets) total = total.add(set);
  return total;
}
