/**
 * Which pool serves a request: Nodepool's rules, as pure functions over what the pool workers
 * have registered in ZooKeeper (`/nodepool/components/pool/*`).
 */

/** A registered pool worker, as its component record says. */
export interface PoolComponentView {
  /** Pool id: `<provider>-<pool>`, the value written into `declined_by`. */
  id: string;
  provider_name: string;
  supported_labels: string[];
  /** Lower is preferred, as in Nodepool. */
  priority: number;
  paused: boolean;
}

export interface RoutedRequest {
  node_types: string[];
  declined_by: string[];
  /** Preferred provider, if the requester named one. */
  provider?: string | null;
}

function supportsAll(pool: PoolComponentView, labels: string[]): boolean {
  return labels.every((label) => pool.supported_labels.includes(label));
}

/** The pools that could still take the request: online, supporting every label, not yet declined. */
export function candidatePools(request: RoutedRequest, pools: PoolComponentView[]): PoolComponentView[] {
  return pools.filter((p) => supportsAll(p, request.node_types) && !request.declined_by.includes(p.id));
}

/**
 * Whether `me` should leave the request to another pool for now:
 * - the requester prefers another provider, and a pool of it that is online and not paused can take it; or
 * - a pool with a better (lower) priority that is online and not paused can take it.
 * A pool that yields neither accepts nor declines; it looks again on its next pass.
 */
export function shouldYield(request: RoutedRequest, me: PoolComponentView, pools: PoolComponentView[]): boolean {
  const others = candidatePools(request, pools).filter((p) => p.id !== me.id && !p.paused);
  if (request.provider && request.provider !== me.provider_name && others.some((p) => p.provider_name === request.provider)) {
    return true;
  }
  if (request.provider && request.provider === me.provider_name) return false;
  return others.some((p) => p.priority < me.priority);
}

/** Whether every registered pool has declined the request: then it fails. */
export function declinedByAll(request: RoutedRequest, pools: PoolComponentView[]): boolean {
  return pools.every((p) => request.declined_by.includes(p.id));
}

/**
 * Nodepool's "images are not available": a label of the request boots a diskimage of which no
 * upload to this provider is `ready` yet (`newestReady` reads the watched image records). The
 * pool declines, as Nodepool's launcher does; once an upload is ready, new requests are served.
 */
export function imagesUnavailableReason(
  request: RoutedRequest,
  pool: { labels: ReadonlyMap<string, { diskimage?: string }> },
  newestReady: (diskimage: string) => unknown,
): string | undefined {
  for (const name of request.node_types) {
    const diskimage = pool.labels.get(name)?.diskimage;
    if (diskimage !== undefined && newestReady(diskimage) === undefined) {
      return `images are not available: diskimage "${diskimage}" of label "${name}" has no ready upload to this provider`;
    }
  }
  return undefined;
}

/** Nodepool's reasons for a pool to decline, checked before quota. */
export function staticDeclineReason(
  request: RoutedRequest,
  pool: { maxServers: number | undefined; labels: ReadonlyMap<string, { unavailable?: string }> },
): string | undefined {
  if (pool.maxServers === 0) return 'pool disabled by max-servers: 0';
  const missing = request.node_types.filter((label) => !pool.labels.has(label));
  if (missing.length > 0) return `label not served: ${missing.join(', ')}`;
  const unavailable = request.node_types.map((label) => pool.labels.get(label)?.unavailable).find((reason) => reason !== undefined);
  if (unavailable) return unavailable;
  if (pool.maxServers !== undefined && request.node_types.length > pool.maxServers) {
    return `request needs ${request.node_types.length} nodes, more than max-servers ${pool.maxServers}`;
  }
  return undefined;
}
