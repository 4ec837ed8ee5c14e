import type { DriverSettingTypes } from '../config/base-provider-config.js';
import type { CloudErrorKind } from '../errors/cloud-error.js';
import type { QuotaSet } from '../quota/quota-set.js';
import type { PoolConfig, PoolLabelConfig } from './config-model.js';
import type { ImageUploads } from './image-upload.js';
import type { NodeRequestInfo } from './request-format.js';

/**
 * The narrow boundary each cloud implements. Everything else (request handling, retries,
 * quota, leak cleanup, state machines) is shared and lives once in the framework.
 *
 * Every method that calls the cloud goes through the provider's API queue and throws only
 * `CloudError`s (see errors/cloud-error.ts), mapped once at the cloud boundary.
 *
 * Walked through on paper for all three clouds:
 * - AWS: `createResource` is one RunInstances that creates instance, volumes and ENI tagged
 *   together; a ClientToken from (node id, attempt) makes a retried call return the same instance.
 * - Azure: `createResource` PUTs the public IP, the NIC and the VM (with its OS disk) in order,
 *   each a long-running operation awaited asynchronously; names derive from the node id, so a
 *   retried PUT updates instead of duplicating; on a failure partway it deletes what it made,
 *   in reverse, before rejecting.
 * - OpenStack: a Keystone token (renewed inside the driver's client), then the server, then a
 *   floating IP once the port exists; `cleanupNode` deletes the floating IP before the server.
 */
/**
 * `T` types the driver's own settings of the labels and pools it is handed (the types its
 * provider config class is generic over), so an adapter reads them without casts.
 */
export interface CloudAdapter<T extends DriverSettingTypes = DriverSettingTypes> {
  /**
   * Creates one node's instance and every sub-resource it needs, each tagged with
   * `request.tags` in the create call itself: nothing is ever created untagged.
   *
   * Resolves with the instance's external id once the cloud has ACCEPTED the instance; it may
   * still be booting (readiness is observed through `listNodes`). Calls `onExternalId` as soon as
   * the id is known, even before resolving, so the node record can carry it early.
   *
   * Not transactional at the cloud, but safe to retry: repeating a call with the same
   * `(nodeId, attempt)` never creates a second instance (idempotency token or deterministic
   * names). On failure it deletes what this attempt created, best effort, and rejects with a
   * CloudError (`quota`, `capacity`, `permanent`, ...).
   */
  createResource(request: CreateRequest<T>, hooks: CreateHooks): Promise<string>;

  /**
   * Every instance tagged for this provider and installation, with its node id from
   * `nodepool_node_id`. All or nothing: every page is read, and any failed page rejects the
   * whole call; a partial list is never returned. Implementations cache the result briefly and
   * share it between callers, so polling N instances costs one list, not N describes.
   */
  listNodes(): Promise<CloudInstance[]>;

  /**
   * Every instance carrying this provider's tag, whatever installation's system id it carries
   * (none filtered out; deleted ones left out): how a launcher that finds no installation id in
   * ZooKeeper sees whether the cloud holds instances of an earlier one. All or nothing, like
   * `listNodes`; read afresh. Optional: a driver without it is checked through `listNodes`.
   */
  listProviderInstances?(): Promise<TaggedInstance[]>;

  /**
   * Starts deleting a node's instance and the sub-resources created with it (in dependency
   * order). Idempotent: NotFound counts as success. May resolve before the cloud has finished;
   * the framework observes completion through `listNodes` (the instance is absent or `deleted`).
   */
  cleanupNode(externalId: string): Promise<void>;

  /**
   * Resources other than instances that leak cleanup must consider (volumes, NICs, public
   * IPs, disks, ports, floating IPs, images, snapshots), with their tags. Returns only resources
   * that carry a provider tag of some kind; the framework decides which are ours and leaked. All
   * or nothing, like `listNodes`.
   */
  listResources(): Promise<CloudResource[]>;

  /** Deletes one resource from `listResources` (or an instance). Idempotent; NotFound counts as success. */
  deleteResource(resource: CloudResource): Promise<void>;

  /**
   * The cloud's own limits for this provider (instances, cores, ram, volumes, ...), minus usage
   * that this provider does not manage. Absent keys are unlimited. Implementations cache about
   * five minutes; `invalidateQuotaCache` forgets it (called after a cloud quota error).
   */
  getQuotaLimits(): Promise<QuotaSet>;

  /** What one node of `label` uses (cores, instances: 1, ram, volumes...). Cached per label. */
  getQuotaForLabel(label: PoolLabelConfig<T['label']>): Promise<QuotaSet>;

  invalidateQuotaCache(): void;

  /**
   * The console log of a node's instance, for the launcher's log after the node failed its
   * readiness scan (Nodepool's `console-log`); undefined when the label does not ask for it.
   * Optional: clouds without a console API leave it out.
   */
  getConsoleLog?(label: PoolLabelConfig<T['label']>, externalId: string): Promise<string | undefined>;

  /**
   * What bounds the wait for an accepted instance to become ready in `listNodes`: `boot-timeout`
   * (the default), or only the launch's own `launch-timeout`, as in Nodepool's Azure driver, where
   * provisioning often takes minutes and `boot-timeout` bounds only the reachability check after it.
   */
  readonly readyWaitBound?: 'boot-timeout' | 'launch-timeout';

  /**
   * Image uploads without nodepool-builder (`cloudpool image upload`), where the driver has them:
   * see `ImageUploads` for their semantics.
   */
  readonly imageUploads?: ImageUploads;

  /** Optional start-up (clients, caches) and shutdown (timers, sockets). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/**
 * The upload of nodepool-builder a diskimage label boots, chosen when the launch was handed
 * over (the newest `ready` one then): the adapter boots `externalId` as is.
 */
export interface BootUpload {
  /** The cloud's image id: an AMI id (AWS), an image resource id (Azure), a Glance image id (OpenStack). */
  externalId: string;
  /** The upload's znode path, written as the node's `image_id` (as Nodepool does). */
  imageId: string;
}

export interface CreateRequest<T extends DriverSettingTypes = DriverSettingTypes> {
  /** ZooKeeper node id, e.g. `0000000042`. */
  nodeId: string;
  /** Starts at 1; a retry after a failed attempt uses the next number. */
  attempt: number;
  /**
   * Whether this `(nodeId, attempt)` may have been sent before. `false` only on the first send
   * of an attempt, when nothing of it can exist yet (node ids are never reused and a node is
   * never resumed by another process), so an adapter may skip looking for what an earlier try
   * made. `true` after a try that failed transiently, perhaps once the cloud had made something;
   * absent means unknown and is treated as `true`.
   */
  resend?: boolean;
  /**
   * The node record's nonce (`cloudpool_node_nonce`), also in `tags`: random, written when the
   * record was made. Every cloud name and idempotency token that could match an existing
   * resource includes it (with the installation id), so nothing made for an earlier node of the
   * same id (ids restart when ZooKeeper loses its data) or for another installation can match.
   * The framework's request handler always sets it; absent only where a test calls an adapter
   * directly (names and tokens then fall back to the node id and installation alone).
   */
  nonce?: string;
  hostname: string;
  label: PoolLabelConfig<T['label']>;
  pool: PoolConfig<T['pool']>;
  /** Set exactly when the label boots a diskimage (`label.diskimage`): the upload to boot. */
  upload?: BootUpload;
  /** Complete tags for every resource: user tags, then the nodepool_* and cloudpool_* tags. */
  tags: Record<string, string>;
  /** Availability zone to use, if the pool restricts them. */
  az?: string;
  /**
   * The node request that prompted this launch, for the label's `dynamic-tags` /
   * `dynamic-instance-properties` (format with `DynamicValues`). The node may end up used for
   * another request (e.g. reused after this one failed); like Nodepool, what was written from
   * this one is not updated then. Absent when the launch was made for no request.
   */
  request?: NodeRequestInfo;
}

export interface CreateHooks {
  onExternalId(externalId: string): void;
  /** Aborted on launch timeout or shutdown; the adapter stops starting new cloud calls. */
  signal: AbortSignal;
}

/** Lifecycle of an instance as the framework needs it, mapped from each cloud's states. */
export type InstanceState = 'building' | 'ready' | 'error' | 'deleting' | 'deleted';

/** An instance as `listProviderInstances` returns it: its id and every tag. */
export interface TaggedInstance {
  externalId: string;
  tags: Record<string, string>;
}

export interface CloudInstance {
  externalId: string;
  /** From the `nodepool_node_id` tag; undefined when untagged. */
  nodeId: string | undefined;
  state: InstanceState;
  /** Every tag or metadata key of the instance. */
  tags: Record<string, string>;
  /** Epoch ms when the cloud created it, if the cloud says. */
  createdAt?: number;
  /** Why the cloud put it in `error` (e.g. a Nova fault), classified by the driver. */
  error?: { kind: CloudErrorKind; message: string };
  privateIpv4?: string;
  publicIpv4?: string;
  publicIpv6?: string;
  /** The address to reach the node on. */
  interfaceIp?: string;
  /**
   * The node record's `cloud`, as Nodepool's adapter names it (OpenStack: the `clouds.yaml`
   * cloud, which Zuul hands jobs as `nodepool.cloud`); default: the driver's name.
   */
  cloud?: string;
  az?: string;
  region?: string;
  hostId?: string;
  /** What this instance uses of the quota. */
  quota?: QuotaSet;
}

/** A non-instance resource for leak cleanup. */
export interface CloudResource {
  /** `instance`, `volume`, `nic`, `public-ip`, `disk`, `port`, `floating-ip`, `image`, `snapshot`... */
  type: string;
  id: string;
  tags: Record<string, string>;
  createdAt?: number;
  /**
   * Deletion order within one pass: lower goes first (e.g. a server before its floating IP,
   * a VM before its NIC, a NIC before its public IP). Defaults to 0.
   */
  deletionOrder?: number;
  /** Whatever the driver needs to delete it (e.g. a resource group or region). */
  details?: Record<string, string>;
}
