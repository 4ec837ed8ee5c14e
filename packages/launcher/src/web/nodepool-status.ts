import { compareRequestIds, nodeLockPath, type NodeRecord, type NodeRequestRecord, type ZkClient } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { cachedPools } from '../pool/decline.js';
import type { Column } from './text-table.js';

/** A status list as Nodepool's `status.py` makes it: its columns, and one record per row keyed by column. */
export interface StatusList {
  columns: readonly Column[];
  /** The JSON form's records. */
  rows: Array<Record<string, unknown>>;
  /** The text table's records, where they differ from `rows` (Nodepool formats `age` only in its tables). */
  tableRows?: Array<Record<string, unknown>>;
}

const columns = (pairs: Array<[string, string]>): Column[] => pairs.map(([key, header]) => ({ key, header }));

/** Nodepool's `node_list` columns; the JSON records carry every one of these keys. */
export const NODE_COLUMNS = columns([
  ['id', 'ID'],
  ['provider', 'Provider'],
  ['label', 'Label'],
  ['server_id', 'Server ID'],
  ['public_ipv4', 'Public IPv4'],
  ['ipv6', 'IPv6'],
  ['state', 'State'],
  ['age', 'Age'],
  ['locked', 'Locked'],
  ['pool', 'Pool'],
  ['hostname', 'Hostname'],
  ['private_ipv4', 'Private IPv4'],
  ['AZ', 'AZ'],
  ['username', 'Username'],
  ['connection_port', 'Port'],
  ['launcher', 'Launcher'],
  ['allocated_to', 'Allocated To'],
  ['hold_job', 'Hold Job'],
  ['comment', 'Comment'],
  ['user_data', 'User Data'],
  ['driver_data', 'Driver Data'],
]);

/** Nodepool's `request_list` columns. */
export const REQUEST_COLUMNS = columns([
  ['id', 'Request ID'],
  ['relative_priority', 'Priority'],
  ['state', 'State'],
  ['requestor', 'Requestor'],
  ['node_types', 'Node Types'],
  ['nodes', 'Nodes'],
  ['declined_by', 'Declined By'],
  ['event_id', 'Event ID'],
]);

/** Nodepool's `label_list` columns. */
export const LABEL_COLUMNS = columns([['label', 'Label']]);

/** Nodepool's age format, `DD:HH:MM:SS`, of an epoch-seconds time. */
export function formatAge(epochSeconds: number, nowMs: number): string {
  const total = Math.max(0, Math.floor(nowMs / 1000 - epochSeconds));
  const parts = [Math.floor(total / 86_400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  return parts.map((p) => String(p).padStart(2, '0')).join(':');
}

/** Every node (or only `nodeId`; none when it does not exist), from the launcher's node cache, by id. */
export async function nodeList(context: LauncherContext, nodeId?: string): Promise<StatusList> {
  const nodes =
    nodeId === undefined
      ? context.nodes.values().sort((a, b) => a.id.localeCompare(b.id))
      : [context.nodes.get(nodeId)].filter((n): n is NodeRecord => n !== undefined);
  const locked = await Promise.all(nodes.map((n) => isNodeLocked(context.client, n.id)));
  const now = context.clock.now();
  return { columns: NODE_COLUMNS, rows: nodes.map((node, i) => nodeRow(node, locked[i]!, now)) };
}

/**
 * Whether the node's lock has a contender now (the lock znode's children are its contenders).
 * The lock is looked at, never taken, so listing nodes cannot get in the way of Zuul locking one.
 */
export async function isNodeLocked(client: ZkClient, nodeId: string): Promise<boolean> {
  return ((await client.exists(nodeLockPath(nodeId)))?.numChildren ?? 0) > 0;
}

/** A node as a record of Nodepool's node list (keys of `NODE_COLUMNS`). */
export function nodeRow(node: NodeRecord, locked: boolean, nowMs: number): Record<string, unknown> {
  return {
    id: node.id,
    provider: node.provider,
    label: node.type,
    server_id: node.external_id,
    public_ipv4: node.public_ipv4,
    ipv6: node.public_ipv6,
    state: node.state,
    age: formatAge(node.state_time, nowMs),
    locked: locked ? 'locked' : 'unlocked',
    pool: node.pool,
    hostname: node.hostname,
    private_ipv4: node.private_ipv4,
    AZ: node.az,
    username: node.username,
    connection_port: node.connection_port,
    launcher: node.launcher,
    allocated_to: node.allocated_to,
    hold_job: node.hold_job,
    comment: node.comment,
    user_data: node.user_data,
    driver_data: node.driver_data,
  };
}

/** Every request in ZooKeeper (the launcher's request cache), in service order. */
export function requestList(context: LauncherContext): StatusList {
  const requests = context.requests.values().sort((a, b) => compareRequestIds(a.id, b.id));
  return { columns: REQUEST_COLUMNS, rows: requests.map(requestRow) };
}

/** A request as a record of Nodepool's request list (keys of `REQUEST_COLUMNS`). */
export function requestRow(request: NodeRequestRecord): Record<string, unknown> {
  return {
    id: request.id,
    relative_priority: request.relative_priority,
    state: request.state,
    requestor: request.requestor,
    node_types: request.node_types,
    nodes: request.nodes,
    declined_by: request.declined_by,
    event_id: request.event_id,
  };
}

/** Every label some registered pool (of any launcher) supports, sorted. */
export async function labelList(context: LauncherContext): Promise<StatusList> {
  const labels = new Set(cachedPools(context).flatMap((p) => p.supported_labels));
  return { columns: LABEL_COLUMNS, rows: [...labels].sort().map((label) => ({ label })) };
}
