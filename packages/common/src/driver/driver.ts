import type { Logger } from 'pino';
import type { CloudError } from '../errors/cloud-error.js';
import type { CleanupPassOptions, CleanupReport } from '../cleanup/leak-cleanup-worker.js';
import type { ZooKeeperReferences } from '../cleanup/leak-rules.js';
import type { QuotaSet } from '../quota/quota-set.js';
import type { Clock } from '../time/clock.js';
import type { BootUpload, CloudInstance, TaggedInstance } from './adapter.js';
import type { CleanupSettings, PoolConfig, PoolLabelConfig, ProviderConfig } from './config-model.js';
import type { ImageUploads } from './image-upload.js';
import type { NodeRequestInfo } from './request-format.js';
import type { NodeScanSettings } from '../readiness/node-scan.js';

/**
 * A cloud driver, found by the name in a provider's `driver:` key. Drivers are the workspace's
 * packages (`aws`, `azure`, `openstack`), `fake` for tests, or any installed package whose
 * default export satisfies this interface.
 */
export interface Driver {
  readonly name: string;
  /** Makes the (not yet loaded) config object for one raw `providers[]` entry. */
  getProviderConfig(raw: Record<string, unknown>): ProviderConfig;
  /** Makes the running provider for a loaded config. Nothing is called on the cloud until `start()`. */
  getProvider(config: ProviderConfig, context: ProviderContext): Provider;
}

/** The narrow port through which every cloud call of a provider is paced (the provider's API queue). */
export interface CloudCallQueue {
  run<T>(call: { action: string; kind: 'read' | 'write'; priority?: number }, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * Told of a call the driver did not send because the cloud refused the credentials moments ago
   * (a CloudError with `credentialsRefused` held by something shared between providers, such as
   * one Keystone session), so that this provider's health turns `auth-failing` as if the refusal
   * had come through `run`. Optional: a plain queue ignores it.
   */
  heldBack?(error: CloudError): void;
}

export interface ProviderContext {
  /** This installation's id, written as `cloudpool_system_id` on every resource. */
  systemId: string;
  /** Every cloud call goes through it. */
  queue: CloudCallQueue;
  logger: Logger;
  clock: Clock;
  /** Leak-cleanup settings of this installation (`cloudpool.cleanup`). */
  cleanup: CleanupSettings;
  /**
   * Reads every node and upload id from ZooKeeper, completely and freshly (for leak cleanup),
   * with the lineage the breaker compares for the node ids in `tagged` (see `readZooKeeperReferences`).
   */
  readReferences(tagged: ReadonlySet<string>): Promise<ZooKeeperReferences>;
  /** Ms between provider-loop ticks; 0 means no timer (tests call `tick()`). Default 250. */
  loopIntervalMs?: number;
  /** How readiness scans connect and pace their attempts (tests shorten them); Nodepool's defaults otherwise. */
  nodeScan?: NodeScanSettings;
}

/**
 * Hooks the framework calls on a provider when something happened that it may care about.
 * A callee may act on a notification or ignore it; every method name ends in `Notification`.
 */
export class ProviderNotifications {
  /** A node of this provider was deleted and its record removed. */
  nodeDeletedNotification(_node: { id: string; externalId: string | undefined }): void {}
}

/** Hooks the framework calls on a request handler; same rules as ProviderNotifications. */
export class NodeRequestHandlerNotifications {
  /** A ready node was reused for this request instead of launching a new one. */
  nodeReusedNotification(_node: { id: string; label: string }): void {}
}

/**
 * A running provider: one cloud account and region as configured.
 *
 * Idle state: `idle()` is called when a newer copy of this provider is starting (its config
 * changed). From then on the provider runs nothing that is unsafe to run twice (leak cleanup,
 * config synchronisation), takes no new requests, and lets in-flight launches and deletes
 * finish. It is never un-idled; the framework stops it once the new copy is up.
 */
export interface Provider extends ProviderNotifications {
  readonly name: string;
  readonly config: ProviderConfig;
  readonly idled: boolean;
  /** Opens clients and starts the provider loop. */
  start(): Promise<void>;
  /** Stops taking work and resolves when in-flight launches and deletes have finished. Idempotent. */
  stop(): Promise<void>;
  /** See the interface comment. Idempotent. */
  idle(): void;
  /** The shared, briefly cached instance list (see CloudAdapter.listNodes). */
  listNodes(): Promise<CloudInstance[]>;
  /** Every instance with this provider's tag, of any installation (see CloudAdapter.listProviderInstances). */
  listProviderInstances?(): Promise<TaggedInstance[]>;
  /** Image uploads, where the driver has them (see CloudAdapter.imageUploads); every call goes through the provider's queue. */
  readonly imageUploads?: ImageUploads;
  /**
   * Deletes a node's cloud resources and resolves when they are gone. Idempotent; an instance
   * that is already gone resolves at once. Rejects with a CloudError when the cloud refuses.
   */
  cleanupNode(externalId: string): Promise<void>;
  /** One leak-cleanup pass for this provider; once idled it does nothing and returns undefined. */
  cleanupLeakedResources(options?: CleanupPassOptions): Promise<CleanupReport | undefined>;
  /**
   * A handler that launches the nodes of one request in one pool. `request` (the attributes of
   * the request `requestId`) reaches every create, for the labels' dynamic tags.
   */
  getRequestHandler(pool: PoolConfig, requestId: string, request?: NodeRequestInfo): NodeRequestHandler;

  // Quota hooks (all cached by the provider; see CloudAdapter for semantics).
  /** Cloud limits minus usage this provider does not manage. */
  getQuotaLimits(): Promise<QuotaSet>;
  /** What one node of `label` uses. */
  quotaNeededByLabel(label: PoolLabelConfig): Promise<QuotaSet>;
  /** Forgets cached limits; called after a cloud quota error. */
  invalidateQuotaCache(): void;
}

/** The outcome of launching one node. */
export type LaunchResult =
  /** `hostKeys`: what the readiness scan gathered, for the record's `host_keys` (empty without one). */
  | { status: 'ready'; nodeId: string; instance: CloudInstance; hostKeys: string[] }
  /** The cloud said quota: not a failure; the node becomes `aborted` and the pool pauses. */
  | { status: 'aborted'; nodeId: string; externalId: string | undefined; reason: string }
  | { status: 'failed'; nodeId: string; externalId: string | undefined; reason: string };

/** What a launch reports while it runs, so the caller can keep the node record current. */
export interface LaunchListener {
  /** The cloud returned the instance id: write it to the node record now (crash safety). */
  externalId(nodeId: string, externalId: string): void;
  /** An attempt failed and will be retried after its instance is deleted. */
  retrying?(nodeId: string, attempt: number, reason: string): void;
}

/**
 * Launches the nodes of one request in one pool. The framework calls `launch` once per node;
 * the provider loop advances the launches; `launchesComplete()` turns true when every one ended.
 */
export interface NodeRequestHandler extends NodeRequestHandlerNotifications {
  readonly requestId: string;
  /**
   * Starts launching the node with this id (its record is locked and `building`). Returns at
   * once. `nonce` is the record's `cloudpool_node_nonce` (see `NODE_NONCE_FIELD`): it goes into
   * the cloud names and idempotency tokens of the node's resources; when not given (a record
   * written without one) a fresh one is made for this launch.
   * `upload` is the builder's upload a diskimage label boots (see `CreateRequest.upload`).
   */
  launch(nodeId: string, label: PoolLabelConfig, listener: LaunchListener, nonce?: string, upload?: BootUpload): void;
  /** True when every launch has ended; their outcomes are in `results()`. */
  launchesComplete(): boolean;
  results(): LaunchResult[];
  /** Resolves when every launch has ended. */
  whenComplete(): Promise<LaunchResult[]>;
}
