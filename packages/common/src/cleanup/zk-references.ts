import type { NodepoolZk } from '../zk/nodepool-zk.js';
import { NODE_ROOT, SYSTEM_ID_PATH } from '../zk/paths.js';
import { InvalidRecordError, nodeNonce } from '../zk/records.js';
import { lineageNodeIds, type NodeLineage } from './breaker-evidence.js';
import type { ZooKeeperReferences } from './leak-rules.js';

/**
 * What a leak-cleanup pass of `provider` reads from ZooKeeper: every node id (of any provider,
 * in every state), every image upload the builders recorded for `provider`, and the tree's
 * lineage for the breaker: `/nodepool/nodes`' cversion (read after its children, so every id
 * listed is below it) and creation time, the installation marker's creation time, and the
 * records the evidence compares for the node ids in `tagged` (see `lineageNodeIds`). Complete
 * or rejecting: any failed read rejects, and the pass then deletes nothing.
 */
export async function readZooKeeperReferences(
  zk: Pick<NodepoolZk, 'listNodeIds' | 'listProviderUploads' | 'getNode' | 'client'>,
  provider: string,
  tagged: ReadonlySet<string> = new Set(),
): Promise<ZooKeeperReferences> {
  const [nodeIds, uploads] = await Promise.all([zk.listNodeIds(), zk.listProviderUploads(provider)]);
  const [tree, marker] = await Promise.all([zk.client.exists(NODE_ROOT), zk.client.exists(SYSTEM_ID_PATH)]);
  const nodes = new Map<string, NodeLineage>();
  await Promise.all(
    [...lineageNodeIds(tagged, nodeIds)].map(async (id) => {
      // A record that does not parse gives no evidence; it must not stop every pass.
      const node = await zk.getNode(id).catch((error: unknown) => {
        if (error instanceof InvalidRecordError) return undefined;
        throw error;
      });
      if (node) nodes.set(id, { nonce: nodeNonce(node), createdAt: node.stat.ctime });
    }),
  );
  return {
    nodeIds: new Set(nodeIds),
    uploads,
    lineage: {
      nextNodeSequence: tree?.cversion ?? 0,
      nodeTreeCreatedAt: tree?.ctime,
      installationMarkerCreatedAt: marker?.ctime,
      nodes,
    },
  };
}
