import { randomBytes } from 'node:crypto';
import type { ZkStat } from './znode.js';
import { parseRequestId } from './request-order.js';

/**
 * Node and node request records as Nodepool stores them: UTF-8 JSON with snake_case fields.
 * Parsing fills fields a writer left out with Nodepool's defaults and keeps every field it does
 * not know, and serializing writes those back unchanged, so records written by other clients
 * round-trip. `id` (the znode name) and `stat` (its metadata; `stat.version` guards updates)
 * are not part of the JSON.
 */

export const NODE_STATES = [
  'init',
  'building',
  'ready',
  'in-use',
  'used',
  'deleting',
  'hold',
  'failed',
  'aborted',
  'deleted',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

export const REQUEST_STATES = ['requested', 'pending', 'fulfilled', 'failed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** Fields written by other clients that this model does not know; preserved on rewrite. */
export interface UnknownFields {
  [unknownField: string]: unknown;
}

/** The JSON of `/nodepool/nodes/<id>`. Times are epoch seconds (floats). */
export interface NodeKnownFields {
  state: NodeState;
  /** Set on every state change. */
  state_time: number;
  cloud: string | null;
  provider: string | null;
  pool: string | null;
  /** Label names. */
  type: string[];
  /** The id of the request this node is allocated to. */
  allocated_to: string | null;
  az: string | null;
  region: string | null;
  public_ipv4: string | null;
  private_ipv4: string | null;
  public_ipv6: string | null;
  interface_ip: string | null;
  host_id: string | null;
  connection_port: number;
  /** Always written equal to `connection_port` (kept for Zuul). */
  ssh_port: number;
  connection_type: string | null;
  shell_type: string | null;
  username: string | null;
  python_path: string | null;
  image_id: string | null;
  launcher: string | null;
  created_time: number | null;
  /** The cloud's id, or an object for drivers with several cloud objects per node. */
  external_id: string | Record<string, unknown> | null;
  hostname: string | null;
  comment: string | null;
  user_data: string | null;
  hold_job: string | null;
  hold_expiration: number | null;
  host_keys: string[];
  /** Quota used, e.g. `{"cores": 2, "instances": 1, "ram": 4096}`. */
  resources: Record<string, number> | null;
  slot: number | null;
  attributes: Record<string, unknown> | null;
  tenant_name: string | null;
  driver_data: unknown;
  requestor: string | null;
}

/** The JSON of `/nodepool/requests/<id>`. Times are epoch seconds (floats). */
export interface NodeRequestKnownFields {
  state: RequestState;
  state_time: number;
  /** Labels, in order. */
  node_types: string[];
  /** Node ids in the order of `node_types`, filled on fulfilment. */
  nodes: string[];
  /** Ids of the pools that declined the request. */
  declined_by: string[];
  /** Whether ready nodes may be reused. */
  reuse: boolean;
  requestor: string | null;
  requestor_data: unknown;
  /** The preferred provider. */
  provider: string | null;
  relative_priority: number;
  event_id: string | null;
  created_time: number | null;
  tenant_name: string | null;
}

export type NodeFields = NodeKnownFields & UnknownFields;
export type NodeRequestFields = NodeRequestKnownFields & UnknownFields;

interface RecordMeta {
  /** The znode name: `0000000042` for nodes, `100-0000000001` for requests. */
  readonly id: string;
  /** The znode's metadata when the record was read or last written through this module. */
  stat: ZkStat;
}

export type NodeRecord = NodeFields & RecordMeta;
export type NodeRequestRecord = NodeRequestFields & RecordMeta;

/** What a new node needs: a state; every other field defaults as in Nodepool. */
export type NewNode = Partial<NodeKnownFields> & UnknownFields & { state: NodeState };
/** What a new request needs: its labels; every other field defaults as in Nodepool. */
export type NewNodeRequest = Partial<NodeRequestKnownFields> & UnknownFields & { node_types: string[] };

/** Thrown when a znode does not hold a valid record; names the path. */
export class InvalidRecordError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid record at ${path}: ${reason}`);
    this.name = 'InvalidRecordError';
  }
}

/** Nodepool's defaults for a node (its `Node.__init__`). */
function nodeDefaults(): Omit<NodeKnownFields, 'state' | 'state_time'> {
  return {
    cloud: null,
    provider: null,
    pool: null,
    type: [],
    allocated_to: null,
    az: null,
    region: null,
    public_ipv4: null,
    private_ipv4: null,
    public_ipv6: null,
    interface_ip: null,
    host_id: null,
    connection_port: 22,
    ssh_port: 22,
    connection_type: null,
    shell_type: null,
    username: null,
    python_path: null,
    image_id: null,
    launcher: null,
    created_time: null,
    external_id: null,
    hostname: null,
    comment: null,
    user_data: null,
    hold_job: null,
    hold_expiration: null,
    host_keys: [],
    resources: null,
    slot: null,
    attributes: null,
    tenant_name: null,
    driver_data: null,
    requestor: null,
  };
}

/** Nodepool's defaults for a request (its `NodeRequest.__init__`). */
function requestDefaults(): Omit<NodeRequestKnownFields, 'state' | 'state_time' | 'node_types'> {
  return {
    nodes: [],
    declined_by: [],
    reuse: true,
    requestor: null,
    requestor_data: null,
    provider: null,
    relative_priority: 0,
    event_id: null,
    created_time: null,
    tenant_name: null,
  };
}

/** The state each record had when read or written here, keyed by its `stat` (see `stateChanged`). */
const stateAtLastSync = new WeakMap<ZkStat, string>();

function withMeta<T extends { state: string }>(fields: T, id: string, stat: ZkStat): T & RecordMeta {
  stateAtLastSync.set(stat, fields.state);
  return { ...fields, id, stat };
}

/**
 * Whether `record.state` differs from the state it had when it was last read or written here.
 * Tracked through `record.stat`, so it also works on copies made with spread syntax.
 */
export function stateChanged(record: { state: string; stat: ZkStat }): boolean {
  const previous = stateAtLastSync.get(record.stat);
  return previous !== undefined && previous !== record.state;
}

/** The state `record` had when it was last read or written here (undefined for a record made otherwise). */
export function stateWhenSynced(record: { stat: ZkStat }): string | undefined {
  return stateAtLastSync.get(record.stat);
}

/** Parses a znode's data as a JSON object; throws `InvalidRecordError` naming `path` otherwise. */
export function parseJsonObject(path: string, data: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new InvalidRecordError(path, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRecordError(path, 'not a JSON object');
  }
  return value as Record<string, unknown>;
}

function checkState<S extends string>(path: string, value: unknown, states: readonly S[]): S {
  if (typeof value !== 'string' || !(states as readonly string[]).includes(value)) {
    throw new InvalidRecordError(path, `unknown state ${JSON.stringify(value)}`);
  }
  return value as S;
}

function stateTimeOf(path: string, value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw new InvalidRecordError(path, 'state_time is not a number');
  return value;
}

/**
 * Node fields whose values repeat across nodes (a few providers, pools, labels, images): a
 * parsed node shares one copy of each such string with every other node (JSON.parse makes a
 * new string per record), which is most of a cached node's string memory.
 */
const SHARED_NODE_FIELDS = [
  'cloud',
  'provider',
  'pool',
  'az',
  'region',
  'connection_type',
  'shell_type',
  'username',
  'python_path',
  'image_id',
  'launcher',
  'requestor',
  'tenant_name',
  'hold_job',
] as const;

/** At most this many distinct strings are shared; later new values are kept as parsed. */
const SHARED_STRINGS_MAX = 4096;
const sharedStrings = new Map<string, string>();

/** The one shared copy of `value` (a string of a repeating field). */
function shared(value: string): string {
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size < SHARED_STRINGS_MAX) sharedStrings.set(value, value);
  return value;
}

function shareRepeatedStrings(node: NodeFields): void {
  for (const field of SHARED_NODE_FIELDS) {
    const value = node[field];
    if (typeof value === 'string') node[field] = shared(value);
  }
  if (Array.isArray(node.type)) node.type = node.type.map((label) => (typeof label === 'string' ? shared(label) : label));
}

/** Parses `/nodepool/nodes/<id>`. Throws `InvalidRecordError` naming `path`. */
export function parseNode(path: string, id: string, data: Buffer, stat: ZkStat): NodeRecord {
  const raw = parseJsonObject(path, data);
  const state = checkState(path, raw.state, NODE_STATES);
  const fields: NodeFields = Object.assign(nodeDefaults(), raw, { state, state_time: stateTimeOf(path, raw.state_time) });
  shareRepeatedStrings(fields);
  return withMeta(fields, id, stat);
}

/** Parses `/nodepool/requests/<id>`. Throws `InvalidRecordError` naming `path`, also for an id that is not `<priority>-<sequence>`. */
export function parseRequest(path: string, id: string, data: Buffer, stat: ZkStat): NodeRequestRecord {
  try {
    parseRequestId(id);
  } catch (error) {
    throw new InvalidRecordError(path, (error as Error).message);
  }
  const raw = parseJsonObject(path, data);
  const state = checkState(path, raw.state, REQUEST_STATES);
  const nodeTypes = raw.node_types ?? [];
  if (!Array.isArray(nodeTypes)) throw new InvalidRecordError(path, 'node_types is not a list');
  const fields: NodeRequestFields = Object.assign(requestDefaults(), raw, {
    state,
    state_time: stateTimeOf(path, raw.state_time),
    node_types: nodeTypes as string[],
  });
  return withMeta(fields, id, stat);
}

/** The record's JSON fields: without `id`, `stat` and fields set to undefined. */
function withoutMeta(record: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, stat: _stat, ...fields } = record;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The node's JSON (without `id` and `stat`); `ssh_port` is written equal to `connection_port`. */
export function serializeNode(node: NodeFields): Buffer {
  const fields = withoutMeta(node);
  return Buffer.from(JSON.stringify({ ...fields, ssh_port: node.connection_port }), 'utf8');
}

/** The request's JSON (without `id` and `stat`). */
export function serializeRequest(request: NodeRequestFields): Buffer {
  return Buffer.from(JSON.stringify(withoutMeta(request)), 'utf8');
}

/** A complete node from `input`, with Nodepool's defaults; `state_time` and `created_time` default to `now`. */
export function newNodeFields(input: NewNode, nowSeconds: number): NodeFields {
  const times = { state_time: nowSeconds, created_time: nowSeconds };
  return Object.assign(nodeDefaults(), times, withoutMeta(input), { state: input.state });
}

/** A complete request from `input`, in state `requested` unless given; times default to `now`. */
export function newRequestFields(input: NewNodeRequest, nowSeconds: number): NodeRequestFields {
  const initial = { state: 'requested' as RequestState, state_time: nowSeconds, created_time: nowSeconds };
  return Object.assign(requestDefaults(), initial, withoutMeta(input), { node_types: input.node_types });
}

/**
 * cloudpool's own field in a node record (Nodepool and Zuul ignore it and keep it as an unknown
 * field): a random value written once, when the record is created. It goes into every cloud name
 * and idempotency token of the node's resources and onto them as the `cloudpool_node_nonce` tag,
 * so a node id that ZooKeeper hands out again (after it lost its data) never matches what was
 * made for the earlier node of that id.
 */
export const NODE_NONCE_FIELD = 'cloudpool_node_nonce';

/** A fresh nonce: 64 random bits, as 16 hex digits. */
export function newNodeNonce(): string {
  return randomBytes(8).toString('hex');
}

/** The record's nonce; undefined for a record written without one (by Nodepool or an older cloudpool). */
export function nodeNonce(node: NodeFields): string | undefined {
  const value = node[NODE_NONCE_FIELD];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Remembers `state` as the record's synced state under its new `stat` after a write. */
export function markWritten(record: { state: string; stat: ZkStat }, stat: ZkStat): void {
  stateAtLastSync.set(stat, record.state);
  record.stat = stat;
}
