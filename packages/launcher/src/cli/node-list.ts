import { InvalidRecordError, type NodepoolZk, type NodeRecord } from '@cloudpool/common';
import type { CliIo } from './io.js';
import { isNodeLocked, NODE_COLUMNS, nodeRow } from '../web/nodepool-status.js';
import { renderTable } from '../web/text-table.js';

/** The columns of Nodepool's `list` without `--detail`. */
const BRIEF_KEYS = ['id', 'provider', 'label', 'server_id', 'public_ipv4', 'ipv6', 'state', 'age', 'locked'];

/** What a listing does with a record that does not parse: without a handler, it throws. */
export type InvalidRecordHandler = (error: InvalidRecordError) => void;

/** A handler that names the bad record on stderr (`cloudpool: skipped invalid record at …`), so the listing shows the rest. */
export function reportInvalidRecords(io: CliIo): InvalidRecordHandler {
  return (error) => io.stderr.write(`cloudpool: skipped ${error.message}\n`);
}

/** Reads one record; an invalid one goes to `onInvalid` (and reads as absent) when given. */
export async function readRecord<T>(read: () => Promise<T | undefined>, onInvalid?: InvalidRecordHandler): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!onInvalid || !(error instanceof InvalidRecordError)) throw error;
    onInvalid(error);
    return undefined;
  }
}

/** Every node in ZooKeeper that `keep` accepts, by id. Nodes deleted meanwhile are left out, and so are invalid ones when `onInvalid` is given. */
export async function readNodes(zk: NodepoolZk, keep: (node: NodeRecord) => boolean = () => true, onInvalid?: InvalidRecordHandler): Promise<NodeRecord[]> {
  const nodes = await Promise.all((await zk.listNodeIds()).map((id) => readRecord(() => zk.getNode(id), onInvalid)));
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
