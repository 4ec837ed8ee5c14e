import { listComponents, type PoolComponentContent } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { declinedByAll, type PoolComponentView } from './request-routing.js';

/** The registered pool workers, as routing sees them. */
export async function registeredPools(context: LauncherContext): Promise<PoolComponentView[]> {
  const components = await listComponents(context.client, 'pool');
  return components
    .map((c) => c.content as PoolComponentContent)
    .filter((c) => c.id !== null && c.provider_name !== null)
    .map((c) => ({ id: c.id!, provider_name: c.provider_name!, supported_labels: c.supported_labels, priority: c.priority, paused: c.paused }));
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
  const pools = await registeredPools(context);
  const allDeclined = declinedByAll(request, pools.some((p) => p.id === poolId) ? pools : [...pools, { id: poolId } as PoolComponentView]);
  request.state = allDeclined ? 'failed' : 'requested';
  await context.zk.updateRequest(request);
  context.logger.info({ request: requestId, pool: poolId }, `declined: ${reason}${allDeclined ? '; every pool declined, request failed' : ''}`);
  context.events.emit('request', { request: requestId, provider: pool.provider, pool: pool.name, outcome: 'declined', reason });
}
