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
  /** Nodepool's `diskimage` (an image of nodepool-builder) it boots instead, if any. */
  diskimage?: string;
  /**
   * Why this pool cannot launch the label although the file is valid (e.g. it boots a diskimage
   * and cloudpool has no image builder). Requests for it are declined with this reason.
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
  readonly common: ProviderCommonSettings;
  readonly settings: S;
  /** A stable serialisation of the raw entry: a provider whose fingerprint changed is restarted on reload. */
  readonly fingerprint: string;
}
