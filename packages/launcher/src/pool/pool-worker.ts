import {
  checkQuota,
  ComponentRegistration,
  poolQuotaLockPath,
  ZkLock,
  describeVerdict,
  JUTE_MAX_BUFFER,
  sortRequestsForService,
  sumQuota,
  type NodeRequestRecord,
  type PoolComponentContent,
  type PoolConfig,
  type PoolLabelConfig,
  type QuotaSet,
} from '@cloudpool/common';
import type { Logger } from 'pino';
import type { LauncherContext } from '../context.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { NodeTask } from '../tasks/node-task.js';
import { ActiveRequest, type RequestOutcome } from './active-request.js';
import { cachedPools, declineRequest } from './decline.js';
import { nodesNotCached, quotaLayers } from './quota-layers.js';
import { releaseReservedNodes, reserveReadyNodes } from './ready-node-reservation.js';
import { imagesUnavailableReason, shouldYield, staticDeclineReason, type PoolComponentView } from './request-routing.js';

/** Nodepool's requestor name for the requests a launcher makes to keep `min-ready` nodes. */
export const MIN_READY_REQUESTOR = 'NodePool:min-ready';

type Handling = 'accepted' | 'declined' | 'paused' | 'skipped';

/**
 * Requests whose record is larger are not handled (see `refuseOversized`). The launcher rewrites
 * a request's whole record (pending, fulfilled, declined) with what it adds (state, node ids,
 * declined_by), and one write carries at most ZooKeeper's `jute.maxbuffer` with its path and
 * header; 16 KiB is left for those additions and the path.
 */
const MAX_HANDLED_RECORD_BYTES = JUTE_MAX_BUFFER - 16 * 1024;

/** How long a pool worker waits for another launcher's quota check on the same pool. */
const QUOTA_LOCK_WAIT_MS = 10_000;

/** Failed finishes (while connected to ZooKeeper) after which a request is abandoned to recovery. */
const FINISH_ATTEMPTS = 5;

/**
 * Serves requests for one (provider, pool), registered as a pool component. Each pass takes
 * the `requested` requests in Nodepool's order; a request this pool cannot serve is declined;
 * one it can serve is locked (without blocking), re-read, and accepted; one that fits the
 * limits but not the current usage pauses the pool. While paused the pool still declines what
 * it must decline, takes nothing new, and frees room by deleting its oldest unused ready node.
 * Each pass re-evaluates from the top, so a pause ends as soon as quota frees, with no busy loop.
 */
export class PoolWorker {
  readonly id: string;
  private readonly registration: ComponentRegistration<PoolComponentContent>;
  private readonly active = new Map<string, ActiveRequest>();
  private paused = false;
  private readonly refusedOversized = new Set<string>();
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly context: LauncherContext,
    readonly runtime: ProviderRuntime,
    readonly pool: PoolConfig,
  ) {
    this.id = `${runtime.name}-${pool.name}`;
    this.log = context.logger.child({ provider: runtime.name, pool: pool.name });
    this.registration = new ComponentRegistration(context.client, 'pool', context.hostname, this.content(), {
      onError: (error) => this.log.error({ err: error }, 'pool component re-registration failed'),
    });
  }

  /** This pool as events and declines name it. */
  get poolRef(): { id: string; provider: string; name: string } {
    return { id: this.id, provider: this.runtime.name, name: this.pool.name };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get activeRequests(): string[] {
    return [...this.active.keys()];
  }

  async start(): Promise<void> {
    await this.registration.register();
  }

  /** Takes no new requests; resolves once every accepted request has finished, then unregisters. */
  async stop(): Promise<void> {
    this.stopping = true;
    // Once the launcher closed its session (it gave up on ZooKeeper), nothing more can be finished.
    while (this.active.size > 0 && this.context.client.connectionState !== 'closed') {
      await this.collectFinished();
      if (this.active.size > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.context.timings.poolIntervalMs)));
    }
    await this.registration.unregister();
  }

  /** One pass: collect finished requests, then look at waiting ones. */
  async runOnce(): Promise<void> {
    await this.collectFinished();
    if (this.stopping || this.runtime.provider.idled) return;
    const pools = cachedPools(this.context);
    const me = pools.find((p) => p.id === this.id) ?? this.view();
    const waiting = sortRequestsForService(this.context.requests.values().filter((r) => r.state === 'requested'));
    let pausedNow = false;
    for (const request of waiting) {
      if (this.active.has(request.id) || request.declined_by.includes(this.id)) continue;
      if (this.refuseOversized(request)) continue;
      const staticReason =
        staticDeclineReason(request, { maxServers: this.pool.limits.get('instances'), labels: this.pool.labels }) ??
        imagesUnavailableReason(request, this.pool, (image) => this.context.images.newestReady(image, this.runtime.name));
      if (!staticReason && !pausedNow && shouldYield(request, me, pools)) continue;
      const handling = await this.handle(request, staticReason, pausedNow).catch((error: unknown) => {
        this.log.error({ request: request.id, err: error }, 'could not handle request');
        return 'skipped' as const;
      });
      if (handling === 'paused') pausedNow = true;
    }
    await this.setPaused(pausedNow);
  }

  /**
   * Whether a request is too large to handle: every write of it (pending, declined, fulfilled)
   * resends its whole record, and a write beyond ZooKeeper's packet limit is refused (see
   * `MAX_HANDLED_RECORD_BYTES`). Such a request is left untouched and named in the log once.
   */
  private refuseOversized(request: NodeRequestRecord): boolean {
    if (request.stat.dataLength <= MAX_HANDLED_RECORD_BYTES) return false;
    if (!this.refusedOversized.has(request.id)) {
      this.refusedOversized.add(request.id);
      this.log.error({ request: request.id, bytes: request.stat.dataLength }, `not handling request ${request.id}: its record has ${request.stat.dataLength} bytes, more than ${MAX_HANDLED_RECORD_BYTES}`);
    }
    return true;
  }

  private async handle(request: NodeRequestRecord, staticReason: string | undefined, paused: boolean): Promise<Handling> {
    const lock = await this.context.zk.lockRequest(request.id, { blocking: false });
    if (!lock) return 'skipped';
    let accepted = false;
    try {
      const fresh = await this.context.zk.getRequest(request.id);
      if (!fresh || fresh.state !== 'requested' || fresh.declined_by.includes(this.id)) return 'skipped';
      if (staticReason) {
        await declineRequest(this.context, fresh.id, this.poolRef, staticReason);
        return 'declined';
      }
      const labels = fresh.node_types.map((name) => this.pool.labels.get(name)!);
      const needs = await this.labelNeeds(labels);
      const never = checkQuota(sumQuota(labels.map((l) => needs.get(l.name)!)), await quotaLayers(this.context, this.runtime.provider, this.pool, fresh));
      if (never.verdict === 'never') {
        await declineRequest(this.context, fresh.id, this.poolRef, `it would exceed quota: ${describeVerdict(never)}`);
        return 'declined';
      }
      if (paused) return 'skipped';
      // Launchers on this pool check its quota and create nodes one at a time, each counting
      // the nodes the others made (read afresh), so max-servers holds across launchers.
      const quotaLock = new ZkLock(this.context.client, poolQuotaLockPath(this.id), { identifier: this.context.launcherId });
      if (!(await quotaLock.acquire({ timeoutMs: QUOTA_LOCK_WAIT_MS }))) return 'skipped';
      try {
        const result = await this.acceptUnderQuotaLock(fresh, lock, labels, needs);
        accepted = result === 'accepted';
        return result;
      } finally {
        await quotaLock.release();
      }
    } finally {
      if (!accepted) await lock.release();
    }
  }

  /** The quota check and node creation of `handle`, under the pool's quota lock. */
  private async acceptUnderQuotaLock(fresh: NodeRequestRecord, lock: ZkLock, labels: PoolLabelConfig[], needs: Map<string, QuotaSet>): Promise<Handling> {
    const reserved = await reserveReadyNodes(this.context, this.runtime.name, this.pool, fresh);
    const needed = labels.map((label, index) => ({ index, label })).filter(({ index }) => !reserved.some((r) => r.index === index));
    const unseen = await nodesNotCached(this.context);
    const verdict = checkQuota(sumQuota(needed.map(({ label }) => needs.get(label.name)!)), await quotaLayers(this.context, this.runtime.provider, this.pool, fresh, unseen));
    if (verdict.verdict !== 'fits') {
      await releaseReservedNodes(this.context, reserved);
      if (verdict.layer === 'tenant') {
        // As Nodepool: only this tenant waits; the pool goes on serving the others.
        this.log.debug({ request: fresh.id, tenant: fresh.tenant_name }, `deferred: ${describeVerdict(verdict)}`);
        return 'skipped';
      }
      if (fresh.requestor === MIN_READY_REQUESTOR) {
        await declineRequest(this.context, fresh.id, this.poolRef, `min-ready request at capacity: ${describeVerdict(verdict)}`);
        return 'declined';
      }
      if (!this.paused) this.log.info({ request: fresh.id }, `pausing: ${describeVerdict(verdict)}`);
      await this.freeRoom();
      return 'paused';
    }
    const active = new ActiveRequest(this.context, this.runtime, this.pool, this.poolRef, fresh, lock, reserved);
    try {
      await active.start(needed, new Map([...needs].map(([label, quota]) => [label, quota.toJSON()])));
    } catch (error) {
      await active.abandon();
      throw error;
    }
    this.active.set(fresh.id, active);
    return 'accepted';
  }

  private async labelNeeds(labels: PoolLabelConfig[]): Promise<Map<string, QuotaSet>> {
    const needs = new Map<string, QuotaSet>();
    for (const label of labels) {
      if (!needs.has(label.name)) needs.set(label.name, await this.runtime.provider.quotaNeededByLabel(label));
    }
    return needs;
  }

  /**
   * Finishes the requests whose launches all ended. A finish that fails stays in `active` and is
   * tried again on the next pass (it resumes where it stopped). A failed attempt counts when it
   * was connected at some point (when it began, or a reconnection while its queued writes
   * waited): its writes reached ZooKeeper, or cost the connection (a write that always drops it
   * fails with ConnectionLoss, by then not connected, and must count too). Attempts that never
   * saw ZooKeeper reachable do not count, as the request lock is either
   * kept or lost with the session. After `FINISH_ATTEMPTS` counted failures, the request is
   * abandoned: its locks are released so lost-request recovery and the deleter take over.
   */
  private async collectFinished(): Promise<void> {
    for (const [id, active] of this.active) {
      if (!active.launchesComplete()) continue;
      let outcome: RequestOutcome | undefined;
      // Reached ZooKeeper: connected when it began, or connected while it waited (the client
      // queues an operation begun while suspended and sends it once the connection is back).
      let reachedZooKeeper = this.context.client.connectionState === 'connected';
      const onConnection = () => void (reachedZooKeeper = true);
      this.context.client.on('reconnected', onConnection).on('connected', onConnection);
      try {
        outcome = await active.finish();
      } catch (error) {
        if (reachedZooKeeper) active.finishFailures++;
        if (active.finishFailures < FINISH_ATTEMPTS) {
          this.log.warn({ request: id, err: error }, 'could not finish request; will try again');
          continue;
        }
        this.log.error({ request: id, err: error }, `could not finish request in ${FINISH_ATTEMPTS} attempts`);
        await active.abandon();
      } finally {
        this.context.client.off('reconnected', onConnection).off('connected', onConnection);
      }
      this.active.delete(id);
      if (outcome && outcome !== 'declined') {
        this.context.events.emit('request', { request: id, provider: this.runtime.name, pool: this.pool.name, outcome });
      }
    }
  }

  /** While paused: the oldest ready, unallocated node of this pool goes, to make room. */
  private async freeRoom(): Promise<void> {
    const oldest = this.context.nodes
      .values()
      .filter((n) => n.state === 'ready' && n.allocated_to === null && n.provider === this.runtime.name && n.pool === this.pool.name)
      .sort((a, b) => a.state_time - b.state_time)[0];
    if (!oldest) return;
    const task = await NodeTask.acquire(this.context, oldest.id, { purpose: 'free-room', blocking: false }).catch(() => undefined);
    await task?.run(async () => {
      if (task.node.state === 'ready' && task.node.allocated_to === null) {
        await task.update((node) => void (node.state = 'deleting'));
        this.log.info({ node: oldest.id }, 'deleting oldest unused ready node to make room');
      }
    });
  }

  private async setPaused(paused: boolean): Promise<void> {
    if (paused === this.paused) return;
    this.paused = paused;
    if (!paused) this.log.info('unpaused');
    await this.registration.update(this.content());
  }

  private view(): PoolComponentView {
    const content = this.content();
    return { id: this.id, provider_name: this.runtime.name, supported_labels: content.supported_labels, priority: content.priority, paused: this.paused };
  }

  private content(): PoolComponentContent {
    return {
      kind: 'pool',
      hostname: this.context.hostname,
      state: this.paused ? 'paused' : 'running',
      version: null,
      id: this.id,
      name: this.pool.name,
      provider_name: this.runtime.name,
      supported_labels: [...this.pool.labels.keys()],
      priority: this.pool.priority,
      paused: this.paused,
    };
  }
}
