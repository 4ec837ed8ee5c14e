import { QuotaSet, sumQuota, type NodeRecord, type NodeRequestRecord, type PoolConfig, type Provider, type QuotaLayers } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';

function resourcesOf(node: NodeRecord): QuotaSet {
  return QuotaSet.of(node.resources ?? {});
}

/**
 * The three quota layers for a request in one pool, from the node cache and the cloud:
 * - pool: the pool's limits minus the `resources` of every node of this pool in ZooKeeper;
 * - cloud: the provider's limits (already net of usage it does not manage) minus this
 *   provider's nodes, plus its instances that have no node (leaked ones still use quota);
 *   skipped when the pool says `ignore-provider-quota`;
 * - tenant: `tenant-resource-limits` minus every node of the request's tenant, any provider.
 * `unseen` are nodes read from ZooKeeper that the cache has not shown yet (see `nodesNotCached`).
 */
export async function quotaLayers(
  context: LauncherContext,
  provider: Provider,
  pool: PoolConfig,
  request: NodeRequestRecord,
  unseen: readonly NodeRecord[] = [],
): Promise<QuotaLayers> {
  const nodes = [...context.nodes.values(), ...unseen.filter((n) => !context.nodes.get(n.id))];
  const providerNodes = nodes.filter((n) => n.provider === provider.name);
  const layers: QuotaLayers = {
    pool: { limits: pool.limits, used: sumQuota(providerNodes.filter((n) => n.pool === pool.name).map(resourcesOf)) },
  };
  if (pool.settings.ignoreProviderQuota !== true) {
    const [limits, instances] = await Promise.all([provider.getQuotaLimits(), provider.listNodes()]);
    const known = new Set(providerNodes.map((n) => n.id));
    const unknownInstances = instances.filter((i) => i.state !== 'deleted' && (i.nodeId === undefined || !known.has(i.nodeId)));
    layers.cloud = {
      limits,
      used: sumQuota([...providerNodes.map(resourcesOf), ...unknownInstances.map((i) => i.quota ?? QuotaSet.of({ instances: 1 }))]),
    };
  }
  const tenant = request.tenant_name ?? undefined;
  const tenantLimits = tenant === undefined ? undefined : context.config().tenantResourceLimits.get(tenant);
  if (tenant !== undefined && tenantLimits) {
    layers.tenant = { limits: tenantLimits, used: sumQuota(nodes.filter((n) => n.tenant_name === tenant).map(resourcesOf)) };
  }
  return layers;
}

/**
 * The nodes in ZooKeeper that the cache does not hold yet (made by another launcher a moment
 * ago): read afresh, so a quota check under the pool's quota lock counts them.
 */
export async function nodesNotCached(context: LauncherContext): Promise<NodeRecord[]> {
  const missing = (await context.zk.listNodeIds()).filter((id) => !context.nodes.get(id));
  const read = await Promise.all(missing.map((id) => context.zk.getNode(id).catch(() => undefined)));
  return read.filter((node): node is NodeRecord => node !== undefined);
}
