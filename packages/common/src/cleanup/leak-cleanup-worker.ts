import type { Logger } from 'pino';
import type { CloudAdapter, CloudInstance, CloudResource } from '../driver/adapter.js';
import type { CleanupSettings } from '../driver/config-model.js';
import type { Ownership } from '../driver/tags.js';
import type { Clock } from '../time/clock.js';
import { planLeakCleanup, resourceKey, type LeakDecision, type ZooKeeperReferences } from './leak-rules.js';

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
}

export interface CleanupReport {
  provider: string;
  startedAt: number;
  dryRun: boolean;
  /** Set when a read failed: the pass deleted nothing. */
  aborted?: string;
  /** Set when the breaker tripped (and was not forced): the pass deleted nothing. */
  breakerTrip?: string;
  decisions: LeakDecision[];
  deleted: CloudResource[];
  failed: Array<{ resource: CloudResource; error: string }>;
}

/**
 * Leak cleanup for one provider. Each pass lists the cloud FIRST and reads ZooKeeper AFTER,
 * so every instance in the listing had its node record created before it existed: a node
 * missing from the later read really is gone (or its instance is being deleted by us, and a
 * second delete is harmless). Any failed or partial read ends the pass with nothing deleted.
 * What was leaked is remembered between passes: only resources leaked on two consecutive
 * passes, older than the minimum age, are deleted.
 */
export class LeakCleanupWorker {
  private previouslyLeaked = new Map<string, number>();

  constructor(
    private readonly provider: string,
    private readonly ports: LeakCleanupPorts,
    private readonly options: { owner: Ownership; settings: CleanupSettings; clock: Clock; logger: Logger },
  ) {}

  async runPass(pass: CleanupPassOptions = {}): Promise<CleanupReport> {
    const { settings, clock, logger } = this.options;
    const dryRun = pass.dryRun ?? settings.dryRun;
    const report: CleanupReport = { provider: this.provider, startedAt: clock.now(), dryRun, decisions: [], deleted: [], failed: [] };
    let resources: CloudResource[];
    let references: ZooKeeperReferences;
    try {
      const [instances, others] = await Promise.all([this.ports.adapter.listNodes(), this.ports.adapter.listResources()]);
      resources = [...instances.filter((i) => i.state !== 'deleted').map(instanceResource), ...others];
      references = await this.ports.readReferences();
    } catch (error) {
      report.aborted = `read failed, nothing deleted: ${error instanceof Error ? error.message : String(error)}`;
      logger.warn({ provider: this.provider }, `leak cleanup pass aborted: ${report.aborted}`);
      return report;
    }
    const plan = planLeakCleanup({
      resources,
      references,
      owner: this.options.owner,
      now: clock.now(),
      minAgeMs: settings.minAge * 1000,
      previouslyLeaked: this.previouslyLeaked,
      breaker: { maxDeleteShare: settings.maxDeleteShare, maxDeleteCount: settings.maxDeleteCount },
    });
    this.previouslyLeaked = plan.leakedNow;
    report.decisions = plan.decisions;
    let toDelete = plan.toDelete;
    if (plan.breakerTrip) {
      if (pass.force) {
        logger.warn({ provider: this.provider }, `leak cleanup breaker overridden by --force: ${plan.breakerTrip}`);
        toDelete = plan.decisions.filter((d) => d.rule === 'leaked').map((d) => d.resource);
        toDelete.sort((a, b) => (a.deletionOrder ?? 0) - (b.deletionOrder ?? 0));
      } else {
        report.breakerTrip = plan.breakerTrip;
        logger.error({ provider: this.provider }, `leak cleanup breaker tripped, nothing deleted: ${plan.breakerTrip}`);
        return report;
      }
    }
    if (dryRun) return report;
    await this.deleteInOrder(toDelete, report);
    return report;
  }

  /** Deletes by ascending `deletionOrder`; resources of one order run together through the provider's queue. */
  private async deleteInOrder(toDelete: CloudResource[], report: CleanupReport): Promise<void> {
    const orders = [...new Set(toDelete.map((r) => r.deletionOrder ?? 0))].sort((a, b) => a - b);
    for (const order of orders) {
      const group = toDelete.filter((r) => (r.deletionOrder ?? 0) === order);
      const results = await Promise.allSettled(group.map((r) => this.ports.adapter.deleteResource(r)));
      results.forEach((result, i) => {
        const resource = group[i]!;
        if (result.status === 'fulfilled') {
          report.deleted.push(resource);
          this.previouslyLeaked.delete(resourceKey(resource));
          this.options.logger.info({ provider: this.provider, resource: resourceKey(resource) }, 'deleted leaked resource');
        } else {
          const error = result.reason instanceof Error ? result.reason.message : String(result.reason);
          report.failed.push({ resource, error });
          this.options.logger.warn({ provider: this.provider, resource: resourceKey(resource) }, `leaked resource delete failed: ${error}`);
        }
      });
    }
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
