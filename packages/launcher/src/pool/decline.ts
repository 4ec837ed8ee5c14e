import { listComponents, type PoolComponentContent } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { declinedByAll, type PoolComponentView } from './request-routing.js';

/** Invalid pool registrations already logged (each is logged once, then skipped quietly). */
const reportedInvalid = new Set<string>();

/** The routing view of registrations' contents; one that does not carry a pool's fields is left out. */
function poolViews(contents: Array<Partial<PoolComponentContent>>): PoolComponentView[] {
  return contents
    .filter((c) => typeof c.id === 'string' && typeof c.provider_name === 'string' && Array.isArray(c.supported_labels))
    .map((c) => ({ id: c.id!, provider_name: c.provider_name!, supported_labels: c.supported_labels!, priority: c.priority!, paused: c.paused! }));
}

/**
 * The registered pool workers as the launcher's watch-driven cache of them holds them (no
 * ZooKeeper read): what every pool worker's pass routes by.
 */
export function cachedPools(context: LauncherContext): PoolComponentView[] {
  return poolViews(
    context.pools
      .values()
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((record) => record.content),
  );
}

/**
 * The registered pool workers, read from ZooKeeper now (for the decision to fail a request,
 * which must not rest on a view a watch has yet to update: a pool registered meanwhile). A registration that is not a
 * pool's JSON is skipped and logged once.
 */
export async function registeredPools(context: LauncherContext): Promise<PoolComponentView[]> {
  const components = await listComponents(context.client, 'pool', (error) => {
    if (reportedInvalid.has(error.path)) return;
    reportedInvalid.add(error.path);
    context.logger.warn({ path: error.path }, `skipping a pool registration: ${error.message}`);
  });
  return poolViews(components.map((c) => c.content as Partial<PoolComponentContent>));
}

/**
 * Declines a request (which the caller has locked) for this pool: adds the pool to
 * `declined_by`, and fails the request when every registered pool has now declined it;
 * otherwise it goes back to `requested` for the others.
 */
export async function declineRequest(
  context: LauncherContext,
  requestId: string,
  pool: { id: string; provider: string; name: string },
  reason: string,
): Promise<void> {
  const poolId = pool.id;
  const request = await context.zk.getRequest(requestId);
  if (!request) return;
  if (!request.declined_by.includes(poolId)) request.declined_by.push(poolId);
  const withMe = (pools: PoolComponentView[]) => (pools.some((p) => p.id === poolId) ? pools : [...pools, { id: poolId } as PoolComponentView]);
  // Failing the request is final: decided on a fresh read, when the cached view says every pool has declined.
  const allDeclined = declinedByAll(request, withMe(cachedPools(context))) && declinedByAll(request, withMe(await registeredPools(context)));
  request.state = allDeclined ? 'failed' : 'requested';
  await context.zk.updateRequest(request);
  context.logger.info({ request: requestId, pool: poolId }, `declined: ${reason}${allDeclined ? '; every pool declined, request failed' : ''}`);
  context.events.emit('request', { request: requestId, provider: pool.provider, pool: pool.name, outcome: 'declined', reason });
}
