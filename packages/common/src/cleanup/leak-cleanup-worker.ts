import type { Logger } from 'pino';
import type { CloudAdapter, CloudInstance, CloudResource } from '../driver/adapter.js';
import type { CleanupSettings } from '../driver/config-model.js';
import { TAG, type Ownership } from '../driver/tags.js';
import type { Clock } from '../time/clock.js';
import { planLeakCleanup, resourceKey, type LeakDecision, type ZooKeeperReferences } from './leak-rules.js';
import { MemorySightingsStore, type Sightings, type SightingsStore } from './sightings-store.js';

/** The reads and deletes a cleanup pass needs; narrow so tests and every driver fit. */
export interface LeakCleanupPorts {
  adapter: Pick<CloudAdapter, 'listNodes' | 'listResources' | 'deleteResource'>;
  /** Reads every node id (and upload id) from ZooKeeper, completely; rejects on any failure. */
  readReferences(): Promise<ZooKeeperReferences>;
}

export interface CleanupPassOptions {
  dryRun?: boolean;
  /** Overrides the mass-deletion breaker (an operator's `--force`). */
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
  /** Set when the breaker tripped (and was not forced): the pass deleted nothing. */
  breakerTrip?: string;
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
    const report: CleanupReport = { provider: this.provider, startedAt: clock.now(), dryRun, decisions: [], deleted: [], failed: [], deferred: [] };
    let sightings: Sightings;
    let resources: CloudResource[];
    let references: ZooKeeperReferences;
    try {
      sightings = await (pass.sightings ?? this.memory).load();
      const [instances, others] = await Promise.all([this.ports.adapter.listNodes(), this.ports.adapter.listResources()]);
      resources = [...instances.filter((i) => i.state !== 'deleted').map(instanceResource), ...others];
      references = await this.ports.readReferences();
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
      breaker: { maxDeleteShare: settings.maxDeleteShare, maxDeleteCount: settings.maxDeleteCount },
    });
    report.decisions = plan.decisions;
    let toDelete = plan.toDelete;
    if (plan.breakerTrip && pass.force) {
      logger.warn({ provider: this.provider }, `leak cleanup breaker overridden by --force: ${plan.breakerTrip}`);
      toDelete = plan.decisions.filter((d) => d.rule === 'leaked').map((d) => d.resource);
      toDelete.sort((a, b) => (a.deletionOrder ?? 0) - (b.deletionOrder ?? 0));
    } else if (plan.breakerTrip) {
      report.breakerTrip = plan.breakerTrip;
      logger.error({ provider: this.provider }, `leak cleanup breaker tripped, nothing deleted: ${plan.breakerTrip}`);
    }
    if (!dryRun) {
      const instanceNodes = new Set(resources.filter((r) => r.type === 'instance').map((r) => r.tags[TAG.nodeId] ?? ''));
      await this.deleteInOrder(toDelete, report, instanceNodes);
    }
    const next = new Map(plan.leakedNow);
    for (const resource of report.deleted) next.delete(resourceKey(resource));
    await sightings.replace(next).catch((error: unknown) => {
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
