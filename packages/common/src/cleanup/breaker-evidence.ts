import type { CloudResource } from '../driver/adapter.js';
import { TAG } from '../driver/tags.js';

/**
 * The leak-cleanup breaker trips on evidence that ZooKeeper's view is not the one our
 * instances were made under (ZooKeeper wiped, restored from an older snapshot, or the wrong
 * servers or chroot), because then live nodes look leaked. Each kind is a fact that cannot hold
 * in one consistent ZooKeeper history:
 * - `unissued-node-id`: an instance names a node id at or above the next sequence number of
 *   `/nodepool/nodes` (its `cversion`, which ZooKeeper appends to every sequential child and
 *   which only grows): this ZooKeeper never handed that id out.
 * - `reissued-node-id`: an instance's node id exists in ZooKeeper but the node record carries
 *   another `cloudpool_node_nonce` than the instance: the id was handed out twice.
 * - `node-after-instance`: a node with a lower id than an instance's node was created after
 *   that instance (node ids grow with time and a node exists before its instance): ids were
 *   handed out again after this instance was made.
 * - `tree-after-instance`: an instance is older than `/nodepool/nodes` or, carrying our system
 *   id, older than the installation marker `/cloudpool/system-id`: its node record cannot have
 *   been in this tree.
 * - `sightings-rolled-back`: the stored sightings are older than those this process stored (or
 *   gone): ZooKeeper lost writes while it ran.
 * Times compare the cloud's clock with ZooKeeper's; `CLOCK_SKEW_ALLOWANCE_MS` absorbs skew.
 */
export const EVIDENCE_KINDS = ['unissued-node-id', 'reissued-node-id', 'node-after-instance', 'tree-after-instance', 'sightings-rolled-back'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface BreakerEvidence {
  kind: EvidenceKind;
  /** The resource key (`instance:i-0abc`) the evidence is about, or `zookeeper` for the tree itself. */
  subject: string;
  /** One line naming the ids and times. */
  detail: string;
}

/** How far apart the cloud's and ZooKeeper's clocks may be before times count as evidence. */
export const CLOCK_SKEW_ALLOWANCE_MS = 120_000;

/** A node record as evidence needs it. */
export interface NodeLineage {
  /** The record's `cloudpool_node_nonce`; undefined for records written without one (by Nodepool). */
  nonce: string | undefined;
  /** Epoch ms the znode was created (ZooKeeper's clock). */
  createdAt: number;
}

/** What ZooKeeper's tree says about its own history, read in the same pass as the references. */
export interface ZooKeeperLineage {
  /** `/nodepool/nodes`' cversion: the sequence number the next node gets; every id handed out is below it. */
  nextNodeSequence: number;
  /** Epoch ms `/nodepool/nodes` was created; undefined when it does not exist. */
  nodeTreeCreatedAt: number | undefined;
  /** Epoch ms `/cloudpool/system-id` was created; undefined when it does not exist. */
  installationMarkerCreatedAt: number | undefined;
  /**
   * For each node id an instance of ours names: its record when it exists, and for one that does
   * not, the record of the highest existing id below it (keyed by that id).
   */
  nodes: ReadonlyMap<string, NodeLineage>;
}

/** The node ids the lineage needs records of: every id the instances name that exists, and for each one that does not, the highest existing id below it. */
export function lineageNodeIds(instanceNodeIds: Iterable<string>, existing: readonly string[]): Set<string> {
  const sorted = existing.filter(isSequenceId).sort();
  const present = new Set(sorted);
  const wanted = new Set<string>();
  for (const id of instanceNodeIds) {
    if (present.has(id)) wanted.add(id);
    else if (isSequenceId(id)) {
      const below = highestBelow(sorted, id);
      if (below !== undefined) wanted.add(below);
    }
  }
  return wanted;
}

/** Finds the evidence among `ours` (instances of this provider and installation), skipping subjects an operator acknowledged. */
export function findEvidence(
  ours: readonly CloudResource[],
  nodeIds: ReadonlySet<string>,
  lineage: ZooKeeperLineage,
  acknowledged: ReadonlySet<string>,
  resourceKey: (resource: CloudResource) => string,
): BreakerEvidence[] {
  const evidence: BreakerEvidence[] = [];
  const existing = [...nodeIds].filter(isSequenceId).sort();
  for (const resource of ours) {
    const subject = resourceKey(resource);
    const nodeId = resource.tags[TAG.nodeId];
    if (resource.type !== 'instance' || nodeId === undefined || acknowledged.has(subject)) continue;
    const found = (kind: EvidenceKind, detail: string) => evidence.push({ kind, subject, detail });
    const sequence = isSequenceId(nodeId) ? Number(nodeId) : undefined;
    if (sequence !== undefined && sequence >= lineage.nextNodeSequence) {
      found('unissued-node-id', `${subject} names node ${nodeId}, but ZooKeeper's next node sequence number is ${lineage.nextNodeSequence}`);
      continue;
    }
    const nonce = resource.tags[TAG.nodeNonce];
    const record = lineage.nodes.get(nodeId);
    if (nodeIds.has(nodeId)) {
      if (nonce !== undefined && record?.nonce !== undefined && record.nonce !== nonce) {
        found('reissued-node-id', `${subject} was made for node ${nodeId} with nonce ${nonce}; ZooKeeper's node ${nodeId} has nonce ${record.nonce}`);
        continue;
      }
    }
    const createdAt = resource.createdAt;
    if (createdAt === undefined) continue;
    const before = (time: number | undefined) => time !== undefined && createdAt < time - CLOCK_SKEW_ALLOWANCE_MS;
    if (before(lineage.nodeTreeCreatedAt)) {
      found('tree-after-instance', `${subject} was made at ${iso(createdAt)}, before ZooKeeper's /nodepool/nodes (${iso(lineage.nodeTreeCreatedAt!)})`);
      continue;
    }
    if (resource.tags[TAG.systemId] !== undefined && before(lineage.installationMarkerCreatedAt)) {
      found('tree-after-instance', `${subject} was made at ${iso(createdAt)}, before ZooKeeper's installation marker /cloudpool/system-id (${iso(lineage.installationMarkerCreatedAt!)})`);
      continue;
    }
    if (!nodeIds.has(nodeId) && sequence !== undefined) {
      const below = highestBelow(existing, nodeId);
      const belowRecord = below === undefined ? undefined : lineage.nodes.get(below);
      if (belowRecord && belowRecord.createdAt > createdAt + CLOCK_SKEW_ALLOWANCE_MS) {
        found('node-after-instance', `${subject} (node ${nodeId}) was made at ${iso(createdAt)}, but ZooKeeper's lower node ${below} was created later, at ${iso(belowRecord.createdAt)}`);
      }
    }
  }
  return evidence;
}

/** One line for logs and reports: the kinds found and the first subjects. */
export function describeEvidence(evidence: readonly BreakerEvidence[]): string {
  const kinds = [...new Set(evidence.map((e) => e.kind))].join(', ');
  const shown = evidence.slice(0, 3).map((e) => e.detail);
  const more = evidence.length > shown.length ? `; and ${evidence.length - shown.length} more` : '';
  return `evidence that ZooKeeper lost or rolled back data (${kinds}): ${shown.join('; ')}${more}`;
}

function isSequenceId(id: string): boolean {
  return /^\d{10}$/.test(id);
}

/** The highest of the sorted ids below `id`. */
function highestBelow(sorted: readonly string[], id: string): string | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return low > 0 ? sorted[low - 1] : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
