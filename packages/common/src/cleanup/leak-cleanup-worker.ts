import type { Logger } from 'pino';
import type { CloudAdapter, CloudInstance, CloudResource } from '../driver/adapter.js';
import type { CleanupSettings } from '../driver/config-model.js';
import { TAG, type Ownership } from '../driver/tags.js';
import type { Clock } from '../time/clock.js';
import { describeEvidence, type BreakerEvidence } from './breaker-evidence.js';
import { planLeakCleanup, resourceKey, type LeakDecision, type ZooKeeperReferences } from './leak-rules.js';
import { MAX_STORED_EVIDENCE, MemorySightingsStore, type BreakerState, type Sightings, type SightingsStore } from './sightings-store.js';

/** The reads and deletes a cleanup pass needs; narrow so tests and every driver fit. */
export interface LeakCleanupPorts {
  adapter: Pick<CloudAdapter, 'listNodes' | 'listResources' | 'deleteResource'>;
  /**
   * Reads every node id (and upload id) from ZooKeeper, completely; rejects on any failure.
   * `tagged` are the node ids the listing's resources name, whose records the breaker's
   * evidence compares (see `ZooKeeperLineage`).
   */
  readReferences(tagged: ReadonlySet<string>): Promise<ZooKeeperReferences>;
}

export interface CleanupPassOptions {
  dryRun?: boolean;
  /**
   * Overrides the opt-in share stop (`max-delete-share`; an operator's `--force`). Never
   * overrides a trip on evidence: that is cleared explicitly (`clearBreaker`).
   */
  force?: boolean;
  /**
   * Where the pass loads and stores its sightings: the elected cleaner's ZooKeeper store, so
   * they survive failover and one-shot runs. Default: the worker's own memory.
   */
  sightings?: SightingsStore;
}

export interface CleanupReport {
  provider: string;
  startedAt: number;
  dryRun: boolean;
  /** Set when a read failed: the pass deleted nothing. */
  aborted?: string;
  /** Set when the breaker was tripped (on evidence, or by the share stop when not forced): the pass deleted nothing. */
  breakerTrip?: string;
  /** The evidence the latched breaker holds (this pass's and earlier passes'), when tripped on evidence. */
  evidence?: BreakerEvidence[];
  /** Leaked resources beyond `max-delete-count`, left for the next passes. */
  paced: CloudResource[];
  /** Set when the pass could not store its sightings: the next pass starts from older ones (deleting later, never sooner). */
  sightingsNotSaved?: string;
  decisions: LeakDecision[];
  deleted: CloudResource[];
  failed: Array<{ resource: CloudResource; error: string }>;
  /**
   * Leaked sub-resources left for the next pass because their node's instance was still
   * there when their turn came (a cloud refuses to delete a NIC or disk its VM still uses).
   */
  deferred: CloudResource[];
}

/**
 * What in a pass needs an operator's attention, in a few words each: it aborted, the breaker
 * stopped it, deletes failed, or its sightings were not stored. Empty for a clean pass.
 */
export function passProblems(report: CleanupReport): string[] {
  const problems: string[] = [];
  if (report.aborted) problems.push('pass aborted');
  if (report.breakerTrip) problems.push('breaker tripped');
  if (report.failed.length > 0) problems.push(`${report.failed.length} deletes failed`);
  if (report.sightingsNotSaved) problems.push('sightings not stored');
  return problems;
}

/**
 * Leak cleanup for one provider. Each pass loads its sightings, lists the cloud, and reads
 * ZooKeeper LAST, so every instance in the listing had its node record created before it
 * existed: a node missing from the later read really is gone (or its instance is being deleted
 * by us, and a second delete is harmless). Any failed or partial read ends the pass with
 * nothing deleted and the sightings untouched. Only resources found leaked by the previous
 * completed pass too, and older than the minimum age, are deleted; a completed pass (also a
 * dry run or one stopped by the breaker) then stores what it found leaked for the next one.
 */
export class LeakCleanupWorker {
  private readonly memory = new MemorySightingsStore();

  constructor(
    private readonly provider: string,
    private readonly ports: LeakCleanupPorts,
    private readonly options: { owner: Ownership; settings: CleanupSettings; clock: Clock; logger: Logger },
  ) {}

  async runPass(pass: CleanupPassOptions = {}): Promise<CleanupReport> {
    const { settings, clock, logger } = this.options;
    const dryRun = pass.dryRun ?? settings.dryRun;
    const report: CleanupReport = { provider: this.provider, startedAt: clock.now(), dryRun, decisions: [], deleted: [], failed: [], deferred: [], paced: [] };
    let sightings: Sightings;
    let resources: CloudResource[];
    let references: ZooKeeperReferences;
    try {
      sightings = await (pass.sightings ?? this.memory).load();
      const [instances, others] = await Promise.all([this.ports.adapter.listNodes(), this.ports.adapter.listResources()]);
      resources = [...instances.filter((i) => i.state !== 'deleted').map(instanceResource), ...others];
      const tagged = new Set(resources.flatMap((r) => (r.tags[TAG.nodeId] === undefined ? [] : [r.tags[TAG.nodeId]!])));
      references = await this.ports.readReferences(tagged);
    } catch (error) {
      report.aborted = `read failed, nothing deleted: ${errorMessage(error)}`;
      logger.warn({ provider: this.provider }, `leak cleanup pass aborted: ${report.aborted}`);
      return report;
    }
    if (sightings.discarded) logger.warn({ provider: this.provider }, `leak cleanup starts afresh, stored sightings unusable: ${sightings.discarded}`);
    const plan = planLeakCleanup({
      resources,
      references,
      owner: this.options.owner,
      now: clock.now(),
      minAgeMs: settings.minAge * 1000,
      previouslyLeaked: sightings.leakedSince,
      breaker: {
        maxDeleteCount: settings.maxDeleteCount,
        ...(settings.maxDeleteShare === undefined || pass.force ? {} : { maxDeleteShare: settings.maxDeleteShare }),
        acknowledged: sightings.breaker.acknowledged,
      },
    });
    report.decisions = plan.decisions;
    report.paced = plan.paced;
    const found = [...plan.evidence];
    if (sightings.rolledBack) found.push({ kind: 'sightings-rolled-back', subject: 'zookeeper', detail: sightings.rolledBack });
    const breaker = latch(sightings.breaker, found, clock.now());
    let toDelete = plan.toDelete;
    if (breaker.trip) {
      toDelete = [];
      report.evidence = breaker.trip.evidence;
      report.breakerTrip = `${describeEvidence(breaker.trip.evidence)}; tripped at ${new Date(breaker.trip.trippedAt).toISOString()}, cleared only by an operator (cloudpool cleanup --clear-breaker)`;
      logger.error({ provider: this.provider, evidence: found.length }, `leak cleanup breaker tripped, nothing deleted: ${report.breakerTrip}`);
    } else if (plan.shareStop) {
      report.breakerTrip = plan.shareStop;
      logger.error({ provider: this.provider }, `leak cleanup share stop, nothing deleted: ${plan.shareStop}`);
    }
    if (plan.paced.length > 0 && toDelete.length > 0) {
      logger.info({ provider: this.provider }, `leak cleanup paced: deleting ${toDelete.length} this pass, ${plan.paced.length} in later passes (max-delete-count ${settings.maxDeleteCount})`);
    }
    if (!dryRun) {
      const instanceNodes = new Set(resources.filter((r) => r.type === 'instance').map((r) => r.tags[TAG.nodeId] ?? ''));
      await this.deleteInOrder(toDelete, report, instanceNodes);
    }
    const next = new Map(plan.leakedNow);
    for (const resource of report.deleted) next.delete(resourceKey(resource));
    await sightings.replace(next, breaker).catch((error: unknown) => {
      report.sightingsNotSaved = errorMessage(error);
      logger.error({ provider: this.provider }, `leak cleanup sightings not stored: ${report.sightingsNotSaved}`);
    });
    return report;
  }

  /**
   * Deletes by ascending `deletionOrder`; resources of one order run together through the
   * provider's queue. A sub-resource whose node still had an instance in this pass's listing
   * waits for the next pass (its sighting is kept), unless this pass deleted that instance
   * and the cloud no longer lists it.
   */
  private async deleteInOrder(toDelete: CloudResource[], report: CleanupReport, instanceNodes: ReadonlySet<string>): Promise<void> {
    const orders = [...new Set(toDelete.map((r) => r.deletionOrder ?? 0))].sort((a, b) => a - b);
    let blocked = instanceNodes;
    for (const order of orders) {
      const ready = toDelete.filter((r) => (r.deletionOrder ?? 0) === order);
      if (order > 0 && blocked.size > 0) blocked = await stillListed(this.ports.adapter, blocked);
      const group = ready.filter((r) => r.type === 'instance' || !blocked.has(r.tags[TAG.nodeId] ?? ''));
      report.deferred.push(...ready.filter((r) => !group.includes(r)));
      const results = await Promise.allSettled(group.map((r) => this.ports.adapter.deleteResource(r)));
      results.forEach((result, i) => {
        const resource = group[i]!;
        if (result.status === 'fulfilled') {
          report.deleted.push(resource);
          this.options.logger.info({ provider: this.provider, resource: resourceKey(resource) }, 'deleted leaked resource');
        } else {
          const error = errorMessage(result.reason);
          report.failed.push({ resource, error });
          this.options.logger.warn({ provider: this.provider, resource: resourceKey(resource) }, `leaked resource delete failed: ${error}`);
        }
      });
    }
  }
}

/** The breaker after a pass that found `evidence`: a trip latches until cleared, gathering what later passes find. */
function latch(state: BreakerState, evidence: readonly BreakerEvidence[], now: number): BreakerState {
  if (evidence.length === 0) return state;
  const previous = state.trip?.evidence ?? [];
  const known = new Set(previous.map((e) => `${e.kind} ${e.subject}`));
  const merged = [...previous, ...evidence.filter((e) => !known.has(`${e.kind} ${e.subject}`))].slice(0, MAX_STORED_EVIDENCE);
  return { ...state, trip: { trippedAt: state.trip?.trippedAt ?? now, evidence: merged } };
}

/** Of `nodes`, those whose instance the cloud still lists; all of them when the listing fails (fail closed). */
async function stillListed(adapter: LeakCleanupPorts['adapter'], nodes: ReadonlySet<string>): Promise<Set<string>> {
  try {
    const listed = await adapter.listNodes();
    return new Set(listed.filter((i) => i.state !== 'deleted' && i.nodeId !== undefined && nodes.has(i.nodeId)).map((i) => i.nodeId!));
  } catch {
    return new Set(nodes);
  }
}

function instanceResource(instance: CloudInstance): CloudResource {
  return {
    type: 'instance',
    id: instance.externalId,
    tags: instance.tags,
    ...(instance.createdAt === undefined ? {} : { createdAt: instance.createdAt }),
    deletionOrder: 0,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
