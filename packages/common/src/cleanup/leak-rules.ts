import type { CloudResource } from '../driver/adapter.js';
import { isOurs, TAG, type Ownership } from '../driver/tags.js';
import { findEvidence, type BreakerEvidence, type ZooKeeperLineage } from './breaker-evidence.js';

/**
 * Why a resource was spared or deleted, one name per safety rule (see the leak-cleanup issue):
 * - `not-ours`: no provider tag of ours or another installation's system id (rule 1);
 * - `no-reference`: carries neither a node id nor an upload id, so nothing says it leaked;
 * - `in-use`: its node (or upload: its build and upload ids, or its upload id when it carries
 *   no build id) exists in ZooKeeper in some state, or uploads were not read (rule 2);
 * - `protected`: carries `cloudpool_protect` (rule 4);
 * - `first-sighting`: leaked now, but not on the previous pass (rule 3);
 * - `too-young`: younger than the minimum age (rule 3);
 * - `leaked`: every rule passed: delete.
 */
export type LeakRule = 'not-ours' | 'no-reference' | 'in-use' | 'protected' | 'first-sighting' | 'too-young' | 'leaked';

export interface LeakDecision {
  resource: CloudResource;
  rule: LeakRule;
  /** Ms since the cloud created it, or since we first saw it when the cloud does not say. */
  ageMs: number;
}

/** One image upload recorded in ZooKeeper: upload ids are unique only within their build. */
export interface UploadReference {
  buildId: string;
  uploadId: string;
}

/** What ZooKeeper holds, read completely and freshly for this pass. */
export interface ZooKeeperReferences {
  /** Every node id, in every state. */
  nodeIds: ReadonlySet<string>;
  /**
   * Every image upload Nodepool's builders recorded for this provider, of any image, build and
   * state; undefined when not read (then every upload is spared).
   */
  uploads?: readonly UploadReference[];
  /** What the tree says of its own history, for the breaker's evidence; undefined when not read (no evidence is looked for). */
  lineage?: ZooKeeperLineage;
}

export interface BreakerLimits {
  /** At most this many resources are deleted per pass (the first ones in deletion order); the rest wait for the next passes. */
  maxDeleteCount: number;
  /**
   * Opt-in stop (off when undefined): a pass that would delete more than this share of the
   * provider's tagged instances deletes nothing.
   */
  maxDeleteShare?: number;
  /** Subjects whose evidence an operator acknowledged (see `clearBreaker`). */
  acknowledged?: ReadonlySet<string>;
}

/**
 * The share stop looks at passes deleting at least this many instances; below it, a small
 * installation whose only instance leaked could never be cleaned.
 */
export const SHARE_RULE_FLOOR = 3;

export interface LeakPlanInput {
  /** The complete listing: instances (as type `instance`) and every other resource. */
  resources: readonly CloudResource[];
  references: ZooKeeperReferences;
  owner: Ownership;
  now: number;
  minAgeMs: number;
  /** Resources found leaked on the previous pass: key → first time seen leaked. */
  previouslyLeaked: ReadonlyMap<string, number>;
  breaker: BreakerLimits;
}

export interface LeakPlan {
  decisions: LeakDecision[];
  /**
   * Leaked resources in deletion order (lower `deletionOrder` first), at most `maxDeleteCount`;
   * empty when the breaker tripped.
   */
  toDelete: CloudResource[];
  /** Leaked resources beyond `maxDeleteCount`, left for the next passes (their sightings are kept). */
  paced: CloudResource[];
  /** Carry to the next pass as `previouslyLeaked`. */
  leakedNow: Map<string, number>;
  /** Evidence that ZooKeeper lost data (not acknowledged); when any, nothing is deleted. */
  evidence: BreakerEvidence[];
  /** Why the opt-in share stop tripped, if it did; then nothing is deleted. */
  shareStop: string | undefined;
}

export function resourceKey(resource: CloudResource): string {
  return `${resource.type}:${resource.id}`;
}

/**
 * Decides, for one pass over one provider, which resources are leaked and may be deleted.
 * Pure: the caller guarantees that `resources` and `references` are complete reads (any failed
 * or partial read must end the pass before planning).
 */
export function planLeakCleanup(input: LeakPlanInput): LeakPlan {
  const leakedNow = new Map<string, number>();
  const uploads = input.references.uploads && new KnownUploads(input.references.uploads);
  const decisions = input.resources.map((resource): LeakDecision => {
    const key = resourceKey(resource);
    const firstSeen = input.previouslyLeaked.get(key);
    const ageMs = input.now - (resource.createdAt ?? firstSeen ?? input.now);
    const rule = classify(resource, input, uploads, firstSeen);
    if (rule === 'first-sighting' || rule === 'too-young' || rule === 'leaked') leakedNow.set(key, firstSeen ?? input.now);
    return { resource, rule, ageMs };
  });
  const leaked = decisions.filter((d) => d.rule === 'leaked').map((d) => d.resource);
  const ours = decisions.filter((d) => d.rule !== 'not-ours').map((d) => d.resource);
  const { lineage } = input.references;
  const evidence = lineage ? findEvidence(ours, input.references.nodeIds, lineage, input.breaker.acknowledged ?? new Set(), resourceKey) : [];
  const shareStop = checkShare(leaked, input);
  const ordered = [...leaked].sort((a, b) => (a.deletionOrder ?? 0) - (b.deletionOrder ?? 0));
  const stopped = evidence.length > 0 || shareStop !== undefined;
  const limit = Math.max(0, input.breaker.maxDeleteCount);
  return {
    decisions,
    toDelete: stopped ? [] : ordered.slice(0, limit),
    paced: stopped ? [] : ordered.slice(limit),
    leakedNow,
    evidence,
    shareStop,
  };
}

/**
 * The uploads ZooKeeper records, as the rule matches them: an upload resource carrying
 * `nodepool_build_id` is known when its (build id, upload id) pair is recorded; one carrying
 * only `nodepool_upload_id` when that upload id is recorded in any build (as Nodepool matches).
 */
class KnownUploads {
  private readonly uploadIds = new Set<string>();
  private readonly pairs = new Set<string>();

  constructor(uploads: readonly UploadReference[]) {
    for (const { buildId, uploadId } of uploads) {
      this.uploadIds.add(uploadId);
      this.pairs.add(JSON.stringify([buildId, uploadId]));
    }
  }

  has(uploadId: string, buildId: string | undefined): boolean {
    return buildId === undefined ? this.uploadIds.has(uploadId) : this.pairs.has(JSON.stringify([buildId, uploadId]));
  }
}

function classify(resource: CloudResource, input: LeakPlanInput, uploads: KnownUploads | undefined, firstSeen: number | undefined): LeakRule {
  if (!isOurs(resource.tags, input.owner)) return 'not-ours';
  const nodeId = resource.tags[TAG.nodeId];
  const uploadId = resource.tags[TAG.uploadId];
  if (nodeId !== undefined) {
    if (input.references.nodeIds.has(nodeId)) return 'in-use';
  } else if (uploadId !== undefined) {
    if (!uploads || uploads.has(uploadId, resource.tags[TAG.buildId])) return 'in-use';
  } else {
    return 'no-reference';
  }
  if (resource.tags[TAG.protect] !== undefined) return 'protected';
  if (firstSeen === undefined) return 'first-sighting';
  const age = input.now - (resource.createdAt ?? firstSeen);
  if (age < input.minAgeMs) return 'too-young';
  return 'leaked';
}

function checkShare(leaked: CloudResource[], input: LeakPlanInput): string | undefined {
  const { maxDeleteShare } = input.breaker;
  if (maxDeleteShare === undefined) return undefined;
  const instances = leaked.filter((r) => r.type === 'instance').length;
  const ourInstances = input.resources.filter((r) => r.type === 'instance' && isOurs(r.tags, input.owner)).length;
  if (instances >= SHARE_RULE_FLOOR && instances > maxDeleteShare * ourInstances) {
    return `would delete ${instances} of ${ourInstances} tagged instances, more than max-delete-share ${maxDeleteShare}`;
  }
  return undefined;
}
