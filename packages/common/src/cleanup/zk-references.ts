import type { NodepoolZk } from '../zk/nodepool-zk.js';
import type { ZooKeeperReferences } from './leak-rules.js';

/**
 * What a leak-cleanup pass of `provider` reads from ZooKeeper: every node id (of any provider,
 * in every state) and every image upload the builders recorded for `provider`. Complete or
 * rejecting: any failed read rejects, and the pass then deletes nothing.
 */
export async function readZooKeeperReferences(zk: Pick<NodepoolZk, 'listNodeIds' | 'listProviderUploads'>, provider: string): Promise<ZooKeeperReferences> {
  const [nodeIds, uploads] = await Promise.all([zk.listNodeIds(), zk.listProviderUploads(provider)]);
  return { nodeIds: new Set(nodeIds), uploads };
}
