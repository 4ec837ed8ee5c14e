import { CloudError, isCloudError } from '../errors/cloud-error.js';
import type { BootUpload, CloudAdapter } from './adapter.js';
import type { PoolConfig, PoolLabelConfig, ProviderCommonSettings } from './config-model.js';
import { NodeRequestHandlerNotifications, type LaunchListener, type LaunchResult, type NodeRequestHandler } from './driver.js';
import { CreateNodeStateMachine, DeleteNodeStateMachine, NODESCAN_ACTION, type CreateReadiness } from './node-state-machines.js';
import type { NodeRequestInfo } from './request-format.js';
import { nodeTags } from './tags.js';
import { newNodeNonce } from '../zk/records.js';
import type { Clock } from '../time/clock.js';

interface Launch {
  nodeId: string;
  /** The node record's nonce (see `CreateRequest.nonce`). */
  nonce: string;
  label: PoolLabelConfig;
  upload?: BootUpload;
  listener: LaunchListener;
  /** Tries so far, bounded by launch-retries. */
  attempt: number;
  /**
   * The attempt number the cloud sees (idempotency tokens, names). A try that failed
   * transiently before the cloud returned an id may still have created something, so the next
   * try repeats it with the same number; it moves on only once nothing of it can exist.
   */
  cloudAttempt: number;
  /** The cloud attempt the last create machine sent (0 before the first). */
  sentCloudAttempt: number;
  startedAt: number;
  create: CreateNodeStateMachine;
  /** Set while the failed attempt's instance is being deleted before the next attempt. */
  cleanup?: DeleteNodeStateMachine;
  result?: LaunchResult;
}

export interface RequestHandlerContext {
  adapter: CloudAdapter;
  providerName: string;
  systemId: string;
  settings: ProviderCommonSettings;
  clock: Clock;
  /**
   * The readiness check of a label's nodes once running (its `host-key-checking`, connection
   * type and port, `boot-timeout`); absent, or undefined for a label: ready at running.
   */
  readiness?: (label: PoolLabelConfig) => CreateReadiness | undefined;
  /** Where a failed scan's console log goes (`CloudAdapter.getConsoleLog`); absent: not fetched. */
  logger?: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

/**
 * Launches a request's nodes through the adapter. Per node: create, wait ready; on a failure
 * with retries left, delete the failed attempt's instance FIRST and only then try again, so
 * two instances never exist for one node id. A cloud quota error ends the launch as `aborted`
 * (not a failure, no retry used). Throttled calls are sent again by the provider's queue; a
 * failed poll of a booting instance is repeated by its state machine. `launch-timeout` bounds
 * each node's whole launch, its readiness scan included. A node that never answers its scan is
 * a failed attempt like any other (its instance deleted, then retried); the console log of its
 * instance goes to the logger first, where the adapter has one (OpenStack's `console-log`).
 * Non-blocking: `advance()` is called by the provider loop on every tick.
 */
export class StateMachineRequestHandler extends NodeRequestHandlerNotifications implements NodeRequestHandler {
  private readonly launches: Launch[] = [];
  private readonly completion: Array<(results: LaunchResult[]) => void> = [];

  constructor(
    private readonly context: RequestHandlerContext,
    readonly pool: PoolConfig,
    readonly requestId: string,
    /** The request's attributes, passed to every create (for dynamic tags); absent for a launch without a request. */
    private readonly request?: NodeRequestInfo,
  ) {
    super();
  }

  launch(nodeId: string, label: PoolLabelConfig, listener: LaunchListener, nonce: string = newNodeNonce(), upload?: BootUpload): void {
    const launch: Launch = { nodeId, nonce, label, upload, listener, attempt: 1, cloudAttempt: 1, sentCloudAttempt: 0, startedAt: this.context.clock.now(), create: undefined! };
    launch.create = this.createMachine(launch);
    this.launches.push(launch);
  }

  launchesComplete(): boolean {
    return this.launches.every((l) => l.result !== undefined);
  }

  results(): LaunchResult[] {
    return this.launches.flatMap((l) => (l.result ? [l.result] : []));
  }

  whenComplete(): Promise<LaunchResult[]> {
    if (this.launchesComplete()) return Promise.resolve(this.results());
    return new Promise((resolve) => this.completion.push(resolve));
  }

  /** One tick: collects finished steps and starts the next ones. Never blocks. */
  advance(): void {
    for (const launch of this.launches) if (!launch.result) this.advanceLaunch(launch);
    if (this.completion.length > 0 && this.launchesComplete()) {
      const results = this.results();
      for (const resolve of this.completion.splice(0)) resolve(results);
    }
  }

  private advanceLaunch(launch: Launch): void {
    const { settings, clock } = this.context;
    if (launch.cleanup) {
      launch.cleanup.advance();
      if (launch.cleanup.failed) {
        launch.result = this.failure('failed', launch, `could not delete failed attempt: ${launch.cleanup.error?.message}`);
      } else if (launch.cleanup.complete) {
        launch.cleanup = undefined;
        launch.attempt += 1;
        launch.cloudAttempt += 1;
        launch.create = this.createMachine(launch);
      }
      return;
    }
    if (settings.launchTimeout > 0 && clock.now() - launch.startedAt > settings.launchTimeout * 1000) {
      launch.create.fail(new CloudError('transient', `launch timeout of ${settings.launchTimeout}s exceeded`, { action: 'launch' }));
    }
    launch.create.advance();
    if (launch.create.complete) {
      launch.result = { status: 'ready', nodeId: launch.nodeId, instance: launch.create.instance!, hostKeys: launch.create.hostKeys };
      return;
    }
    if (!launch.create.failed) return;
    const error = launch.create.error;
    const reason = error?.message ?? 'unknown error';
    if (isCloudError(error) && error.action === NODESCAN_ACTION && launch.create.externalId) this.logConsole(launch, launch.create.externalId);
    if (isCloudError(error, 'quota')) {
      launch.result = this.failure('aborted', launch, reason);
    } else if (launch.attempt < Math.max(1, settings.launchRetries) && !isCloudError(error, 'permanent') && !this.timedOut(launch)) {
      launch.listener.retrying?.(launch.nodeId, launch.attempt, reason);
      if (launch.create.externalId) {
        launch.cleanup = new DeleteNodeStateMachine(this.context.adapter, launch.create.externalId);
      } else {
        launch.attempt += 1;
        if (!isCloudError(error, 'transient')) launch.cloudAttempt += 1;
        launch.create = this.createMachine(launch);
      }
    } else {
      launch.result = this.failure('failed', launch, reason);
    }
  }

  /** Nodepool's `console-log`: the failed node's console, line by line, in the launcher's log. Best effort, never awaited. */
  private logConsole(launch: Launch, externalId: string): void {
    const { adapter, logger } = this.context;
    if (!adapter.getConsoleLog || !logger) return;
    adapter.getConsoleLog(launch.label, externalId).then(
      (text) => {
        if (text === undefined) return;
        logger.info({ node: launch.nodeId, externalId }, `console log of ${externalId}:`);
        for (const line of text.split(/\r?\n/)) logger.info({ node: launch.nodeId, externalId }, line.trimEnd());
      },
      (error: unknown) => logger.warn({ node: launch.nodeId, externalId, err: error }, 'could not read the console log'),
    );
  }

  private timedOut(launch: Launch): boolean {
    const { launchTimeout } = this.context.settings;
    return launchTimeout > 0 && this.context.clock.now() - launch.startedAt > launchTimeout * 1000;
  }

  private failure(status: 'aborted' | 'failed', launch: Launch, reason: string): LaunchResult {
    return { status, nodeId: launch.nodeId, externalId: launch.create.externalId, reason };
  }

  private createMachine(launch: Launch): CreateNodeStateMachine {
    const { adapter, providerName, systemId, settings, clock } = this.context;
    const tags = nodeTags({ nodeId: launch.nodeId, poolName: this.pool.name, providerName, systemId, nodeNonce: launch.nonce }, launch.label.tags);
    const resend = launch.sentCloudAttempt === launch.cloudAttempt;
    launch.sentCloudAttempt = launch.cloudAttempt;
    return new CreateNodeStateMachine(
      adapter,
      { nodeId: launch.nodeId, nonce: launch.nonce, attempt: launch.cloudAttempt, resend, hostname: `np${launch.nodeId}`, label: launch.label, pool: this.pool, tags, request: this.request, ...(launch.upload ? { upload: launch.upload } : {}) },
      {
        clock,
        bootTimeoutMs: adapter.readyWaitBound === 'launch-timeout' ? Infinity : settings.bootTimeout * 1000,
        onExternalId: (id) => launch.listener.externalId(launch.nodeId, id),
        readiness: this.context.readiness?.(launch.label),
      },
    );
  }
}
