import { LeakCleanupWorker, type CleanupPassOptions, type CleanupReport } from '../cleanup/leak-cleanup-worker.js';
import type { QuotaSet } from '../quota/quota-set.js';
import type { CloudAdapter, CloudInstance, TaggedInstance } from './adapter.js';
import type { ImageUploads } from './image-upload.js';
import type { PoolConfig, PoolLabelConfig, ProviderConfig } from './config-model.js';
import { ProviderNotifications, type Provider, type ProviderContext } from './driver.js';
import { DeleteNodeStateMachine } from './node-state-machines.js';
import type { NodeRequestInfo } from './request-format.js';
import { StateMachineRequestHandler } from './state-machine-request-handler.js';
import { providerOwnership } from './tags.js';
import { scanNode } from '../readiness/node-scan.js';
import { readinessFor, withTimers } from '../readiness/readiness-spec.js';
import type { CreateReadiness } from './node-state-machines.js';

interface PendingDelete {
  machine: DeleteNodeStateMachine;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The shared Provider for every state-machine driver: a driver supplies only its CloudAdapter.
 * A provider loop ticks every `loopIntervalMs` and advances every active launch and delete;
 * each advance starts or collects at most one async step, so no cloud call blocks the loop.
 */
export class StateMachineProvider extends ProviderNotifications implements Provider {
  private readonly handlers = new Set<StateMachineRequestHandler>();
  private readonly deletes = new Set<PendingDelete>();
  private readonly cleaner: LeakCleanupWorker;
  private timer: ReturnType<typeof setInterval> | undefined;
  private idledFlag = false;
  private stopping = false;

  constructor(
    readonly config: ProviderConfig,
    readonly adapter: CloudAdapter,
    private readonly context: ProviderContext,
  ) {
    super();
    this.cleaner = new LeakCleanupWorker(
      config.name,
      { adapter, readReferences: (tagged) => context.readReferences(tagged) },
      {
        owner: providerOwnership(config.name, context),
        settings: context.cleanup,
        clock: context.clock,
        logger: context.logger,
      },
    );
  }

  get name(): string {
    return this.config.name;
  }

  get idled(): boolean {
    return this.idledFlag;
  }

  /** The adapter's image uploads, when it has them. */
  get imageUploads(): ImageUploads | undefined {
    return this.adapter.imageUploads;
  }

  /** Launches and deletes in progress. */
  get activeWork(): { launches: number; deletes: number } {
    return { launches: this.handlers.size, deletes: this.deletes.size };
  }

  async start(): Promise<void> {
    await this.adapter.start?.();
    const interval = this.context.loopIntervalMs ?? 250;
    if (interval > 0) {
      this.timer = setInterval(() => this.tick(), interval);
      this.timer.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    while (this.handlers.size > 0 || this.deletes.size > 0) {
      this.tick();
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, this.context.loopIntervalMs ?? 250)));
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.adapter.stop?.();
  }

  idle(): void {
    this.idledFlag = true;
  }

  /** One pass of the provider loop: advance every machine once; never waits for the cloud. */
  tick(): void {
    for (const handler of this.handlers) {
      handler.advance();
      if (handler.launchesComplete()) this.handlers.delete(handler);
    }
    for (const pending of this.deletes) {
      pending.machine.advance();
      if (pending.machine.complete) {
        this.deletes.delete(pending);
        pending.resolve();
      } else if (pending.machine.failed) {
        this.deletes.delete(pending);
        pending.reject(pending.machine.error ?? new Error('delete failed'));
      }
    }
  }

  listNodes(): Promise<CloudInstance[]> {
    return this.adapter.listNodes();
  }

  listProviderInstances(): Promise<TaggedInstance[]> {
    return this.adapter.listProviderInstances?.() ?? this.adapter.listNodes();
  }

  cleanupNode(externalId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.deletes.add({ machine: new DeleteNodeStateMachine(this.adapter, externalId), resolve, reject });
      if (!this.timer) this.tick();
    });
  }

  async cleanupLeakedResources(options?: CleanupPassOptions): Promise<CleanupReport | undefined> {
    if (this.idledFlag || this.stopping) return undefined;
    return this.cleaner.runPass(options);
  }

  getRequestHandler(pool: PoolConfig, requestId: string, request?: NodeRequestInfo): StateMachineRequestHandler {
    if (this.stopping) throw new Error(`provider ${this.name} is stopping and takes no new requests`);
    const handler = new StateMachineRequestHandler(
      {
        adapter: this.adapter,
        providerName: this.name,
        systemId: this.context.systemId,
        settings: this.config.common,
        clock: this.context.clock,
        readiness: (label) => this.readiness(label),
        logger: this.context.logger,
      },
      pool,
      requestId,
      request,
    );
    this.handlers.add(handler);
    return handler;
  }

  /** The label's readiness check: scans run on their own, outside the API queue, on the provider's clock. */
  private readiness(label: PoolLabelConfig): CreateReadiness | undefined {
    const spec = readinessFor(this.config, label);
    if (!spec) return undefined;
    const clock = withTimers(this.context.clock);
    const settings = this.context.nodeScan;
    return { spec, scan: (target, timeoutMs, signal) => scanNode(target, { ...settings, clock, timeoutMs, signal }) };
  }

  getQuotaLimits(): Promise<QuotaSet> {
    return this.adapter.getQuotaLimits();
  }

  quotaNeededByLabel(label: PoolLabelConfig): Promise<QuotaSet> {
    return this.adapter.getQuotaForLabel(label);
  }

  invalidateQuotaCache(): void {
    this.adapter.invalidateQuotaCache();
  }
}
