import type { NodepoolZk, NodeRecord } from '@cloudpool/common';
import { isNodeLocked, NODE_COLUMNS, nodeRow } from '../web/nodepool-status.js';
import { renderTable } from '../web/text-table.js';

/** The columns of Nodepool's `list` without `--detail`. */
const BRIEF_KEYS = ['id', 'provider', 'label', 'server_id', 'public_ipv4', 'ipv6', 'state', 'age', 'locked'];

/** Every node in ZooKeeper that `keep` accepts, by id. Nodes deleted meanwhile are left out. */
export async function readNodes(zk: NodepoolZk, keep: (node: NodeRecord) => boolean = () => true): Promise<NodeRecord[]> {
  const nodes = await Promise.all((await zk.listNodeIds()).map((id) => zk.getNode(id)));
  return nodes.filter((node): node is NodeRecord => node !== undefined && keep(node));
}

/**
 * The rows of Nodepool's node list (the web API's `/node-list` records) for `nodes`, read from
 * ZooKeeper: `locked` says whether a contender is on the node's lock now.
 */
export async function nodeRows(zk: NodepoolZk, nodes: readonly NodeRecord[], nowMs: number): Promise<Array<Record<string, unknown>>> {
  const locked = await Promise.all(nodes.map((node) => isNodeLocked(zk.client, node.id)));
  return nodes.map((node, index) => nodeRow(node, locked[index]!, nowMs));
}

/** The rows as Nodepool's `list` table; `detail` adds pool, hostname, private IPv4, AZ, username, port, launcher, allocation, hold job, comment, user data and driver data. */
export function nodeTable(rows: ReadonlyArray<Record<string, unknown>>, detail = false): string {
  return `${renderTable(NODE_COLUMNS, rows, detail ? undefined : BRIEF_KEYS)}\n`;
}
