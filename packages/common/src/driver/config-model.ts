import type { ZodType } from 'zod';
import type { QuotaSet } from '../quota/quota-set.js';

/**
 * The loaded configuration, as the framework sees it. Keys use Nodepool's names in
 * `nodepool.yaml`; here they are camelCase. Driver-specific keys live in `settings`, typed by
 * the driver that parsed them.
 */
export interface NodepoolConfig {
  zookeeperServers: Array<{ host: string; port: number; chroot?: string }>;
  zookeeperTls?: { cert: string; key: string; ca: string };
  /** Nodepool's `zookeeper-auth`: credentials added to the session (kazoo's `auth_data`). */
  zookeeperAuth?: { scheme: string; credential: string };
  /** Session timeout, seconds (Nodepool's `zookeeper-timeout`, default 10). */
  zookeeperTimeout: number;
  labels: Map<string, LabelConfig>;
  /** Seconds; 0 means held nodes never expire. */
  maxHoldAge: number;
  /** Per tenant name: limits such as `{ cores: 100, instances: 10, ram: 1024 }`. */
  tenantResourceLimits: Map<string, QuotaSet>;
  webapp: { port: number; listenAddress: string };
  /** The top-level `diskimages` (nodepool-builder's images), by name. */
  diskimages: Map<string, DiskimageConfig>;
  providers: Map<string, ProviderConfig>;
  cloudpool: CloudpoolSettings;
}

export interface LabelConfig {
  name: string;
  minReady: number;
  /** Seconds; 0 means ready nodes never expire. */
  maxReadyAge: number;
  /** Every pool that serves this label (filled by each ProviderConfig.load). */
  pools: PoolConfig[];
}

export interface PoolConfig<S = Record<string, unknown>> {
  name: string;
  providerName: string;
  /** Limits of this pool: max-servers → instances, max-cores → cores, max-ram → ram, max-volumes → volumes, max-volume-gb → volume-gb, plus max-resources. */
  limits: QuotaSet;
  priority: number;
  nodeAttributes: Record<string, unknown>;
  azs: string[];
  labels: Map<string, PoolLabelConfig>;
  /** Driver-specific pool keys (e.g. subnet-id, networks). */
  settings: S;
}

export interface PoolLabelConfig<S = Record<string, unknown>> {
  name: string;
  poolName: string;
  /** The `cloud-images` entry it boots, if any. */
  cloudImage?: string;
  /**
   * The `diskimages` entry of this provider it boots instead, if any: the newest `ready` upload
   * nodepool-builder recorded for it (see `ProviderConfig.diskimages`).
   */
  diskimage?: string;
  /**
   * Why this pool cannot launch the label although the file is valid (a key the driver accepts
   * but cannot act on yet). Requests for it are declined with this reason.
   */
  unavailable?: string;
  /** User tags from the label config (applied before ours). */
  tags: Record<string, string>;
  /**
   * Nodepool's `host-key-checking` as it applies to this label (a pool key; OpenStack's label
   * key replaces the pool's): whether a launch, once the cloud says the instance is running,
   * waits until the node answers on its cloud image's `connection-port` and gathers its SSH host
   * keys (for `ssh` and `network_cli` connections) before the node is ready. Nodepool's default
   * is true; false makes a node ready as soon as the cloud says running.
   */
  hostKeyChecking: boolean;
  /** Driver-specific label keys (instance-type, flavor-name, hardware-profile...). */
  settings: S;
}

export interface CleanupSettings {
  /** Seconds between leak-cleanup passes. */
  interval: number;
  /** Seconds a resource must exist before it may be deleted as leaked. */
  minAge: number;
  dryRun: boolean;
  adoptNodepoolResources: boolean;
  /** Opt-in stop, off when undefined: a pass deleting more than this share of the provider's tagged instances deletes nothing. */
  maxDeleteShare?: number;
  /** At most this many resources deleted per pass (the rest in later passes). */
  maxDeleteCount: number;
}

export interface CloudpoolSettings {
  /** Pinned installation id; otherwise one is created in ZooKeeper. */
  systemId?: string;
  cleanup: CleanupSettings;
  notifications: NotificationSettings;
}

/** Where node state-change notifications go besides the log and the web API's `/events`. */
export interface NotificationSettings {
  /** An http(s) URL every notification is POSTed to as JSON; it may carry credentials, so it is never logged. */
  webhook?: string;
}

/** An entry of a provider's `cloud-images`. */
export interface CloudImageConfig<S = Record<string, unknown>> {
  name: string;
  username?: string;
  pythonPath: string;
  shellType?: string;
  connectionType: string;
  connectionPort: number;
  /** Driver-specific keys (image-id, image-filters, image-reference...). */
  settings: S;
}

/**
 * A top-level `diskimages` entry: an image nodepool-builder builds. Only what a launcher uses is
 * kept (the build keys are the builder's); `parent` entries are already merged in.
 */
export interface DiskimageConfig {
  name: string;
  /** Nodepool's default is `zuul`. */
  username: string;
  pythonPath: string;
  shellType?: string;
  /** The builder does not build it (the launcher still boots its uploads). */
  pause: boolean;
  /** Seconds between builds (`rebuild-age`, Nodepool's default 86400). */
  rebuildAge: number;
  /** `formats` as written (absent: none). */
  formats: string[];
  /** `cloudpool-build-command`: what `cloudpool builder` runs to build it. */
  buildCommand?: string;
}

/**
 * A provider's `diskimages` entry: which builder image the provider gets and how nodes booted
 * from its uploads are reached. `pause` stops the builder's uploads to this provider only;
 * uploads already `ready` are still booted, as by Nodepool's launcher.
 */
export interface ProviderDiskimageConfig<S = Record<string, unknown>> extends Omit<CloudImageConfig<S>, 'username'> {
  username: string;
  pause: boolean;
}

/** Settings every provider has, whatever its driver. Durations in seconds. */
export interface ProviderCommonSettings {
  /** Nodepool's `rate` as written (its unit depends on the driver). */
  rate?: number;
  /** Requests per second after applying the driver's meaning of `rate`. */
  ratePerSecond: number;
  launchRetries: number;
  launchTimeout: number;
  bootTimeout: number;
  maxConcurrency: number;
  priority: number;
}

/**
 * A provider's configuration. Made by `Driver.getProviderConfig` from the raw YAML entry,
 * validated against `getSchema()`, then `load()`ed.
 */
export interface ProviderConfig<S = Record<string, unknown>> {
  readonly name: string;
  readonly driver: string;
  /** The zod schema of the whole provider entry: common keys plus the driver's own. */
  getSchema(): ZodType;
  /**
   * Takes the schema's parsed output, fills `pools`, `common` and `settings`, and registers each
   * pool label with `config.labels` (an unknown label is an error naming the provider and pool).
   */
  load(parsed: unknown, config: NodepoolConfig): void;
  readonly pools: Map<string, PoolConfig>;
  /** `cloud-images` by name: what a label boots, and how to connect to it (username, port...). */
  readonly cloudImages: Map<string, CloudImageConfig>;
  /** `diskimages` by name: builder images this provider boots uploads of (see `PoolLabelConfig.diskimage`). */
  readonly diskimages: Map<string, ProviderDiskimageConfig>;
  readonly common: ProviderCommonSettings;
  readonly settings: S;
  /** A stable serialisation of the raw entry: a provider whose fingerprint changed is restarted on reload. */
  readonly fingerprint: string;
}
