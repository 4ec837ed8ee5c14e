import type { z } from 'zod';
import type {
  CloudImageConfig,
  NodepoolConfig,
  PoolConfig,
  PoolLabelConfig,
  ProviderCommonSettings,
  ProviderConfig,
  ProviderDiskimageConfig,
} from '../driver/config-model.js';
import { QuotaSet } from '../quota/quota-set.js';
import { effectiveRatePerSecond } from '../ratelimit/nodepool-rate.js';
import { ConfigError, type ConfigIssue } from './config-issue.js';
import { fingerprintOf } from './fingerprint.js';
import type { CommonProviderOutput } from './provider-schema.js';
import { limitValues } from './quota-limits.js';

/** The types of a driver's own settings, level by level. */
export interface DriverSettingTypes {
  provider: Record<string, unknown>;
  pool: Record<string, unknown>;
  label: Record<string, unknown>;
  cloudImage: Record<string, unknown>;
  diskimage: Record<string, unknown>;
}

/** A pool whose labels' settings are typed too. */
export type TypedPoolConfig<PS, LS> = Omit<PoolConfig<PS>, 'labels'> & { labels: Map<string, PoolLabelConfig<LS>> };

/** A `pools` entry of a driver's parsed provider entry `P`. */
export type PoolOf<P extends CommonProviderOutput> = P['pools'][number];
/** A pool's `labels` entry of a driver's parsed provider entry `P`. */
export type LabelOf<P extends CommonProviderOutput> = PoolOf<P>['labels'][number];
/** A `cloud-images` entry of a driver's parsed provider entry `P`. */
export type CloudImageOf<P extends CommonProviderOutput> = P['cloud-images'][number];
/** A `diskimages` entry of a driver's parsed provider entry `P`. */
export type DiskimageOf<P extends CommonProviderOutput> = P['diskimages'][number];

/** Nodepool's default connection ports: WinRM over HTTPS for `winrm`, SSH for anything else. */
const WINRM_PORT = 5986;
const SSH_PORT = 22;

/**
 * The part of a provider's configuration every driver shares: common keys, pools, labels and
 * cloud images, label registration and the fingerprint. A driver subclasses it with its schema
 * (built with `providerSchema`), its default `boot-timeout` (Nodepool's differs per driver), and
 * small mappers from its parsed keys to its typed settings.
 *
 * `P` is the driver schema's output; `T` the driver's settings types.
 */
export abstract class BaseProviderConfig<P extends CommonProviderOutput, T extends DriverSettingTypes>
  implements ProviderConfig<T['provider']>
{
  readonly name: string;
  readonly fingerprint: string;
  readonly pools = new Map<string, TypedPoolConfig<T['pool'], T['label']>>();
  readonly cloudImages = new Map<string, CloudImageConfig<T['cloudImage']>>();
  readonly diskimages = new Map<string, ProviderDiskimageConfig<T['diskimage']>>();
  private loaded: { common: ProviderCommonSettings; settings: T['provider'] } | undefined;

  /** `raw` is the provider's entry as written (after environment substitution), not yet validated. */
  protected constructor(
    raw: Readonly<Record<string, unknown>>,
    readonly driver: string,
    private readonly schema: z.ZodType<P>,
    /** Seconds. */
    private readonly defaultBootTimeout: number,
  ) {
    this.name = typeof raw.name === 'string' ? raw.name : '';
    this.fingerprint = fingerprintOf(raw);
  }

  getSchema(): z.ZodType<P> {
    return this.schema;
  }

  get common(): ProviderCommonSettings {
    return this.loadedState().common;
  }

  get settings(): T['provider'] {
    return this.loadedState().settings;
  }

  /**
   * Fills the provider from its parsed entry (`getSchema()`'s output) and adds each pool to the
   * `pools` of the top-level labels it serves. Throws a ConfigError listing every pool label that
   * is not a top-level label or names a cloud image or diskimage the provider does not have, and
   * every provider diskimage that is not a top-level diskimage (paths relative to the provider's
   * entry); `config` is then left unchanged.
   */
  load(parsed: unknown, config: NodepoolConfig): void {
    const provider = parsed as P;
    this.pools.clear();
    this.cloudImages.clear();
    this.diskimages.clear();
    for (const image of provider['cloud-images']) this.cloudImages.set(image.name, this.cloudImageConfig(image, provider));
    const issues: ConfigIssue[] = [];
    provider.diskimages.forEach((image: DiskimageOf<P>, index: number) => {
      const built = config.diskimages.get(image.name);
      if (!built) {
        issues.push({ path: ['diskimages', index, 'name'], message: `diskimage "${image.name}" is not in the top-level diskimages` });
        return;
      }
      this.diskimages.set(image.name, this.diskimageConfig(image, built, provider));
    });
    provider.pools.forEach((pool, index) => this.pools.set(pool.name, this.poolConfig(provider, pool, index, config, issues)));
    if (issues.length > 0) throw new ConfigError(issues, `provider ${this.name}`);

    for (const pool of this.pools.values()) {
      for (const label of pool.labels.keys()) config.labels.get(label)?.pools.push(pool);
    }
    this.loaded = { common: this.commonSettings(provider), settings: this.providerSettings(provider) };
  }

  /** The driver's provider-level settings. */
  protected abstract providerSettings(provider: P): T['provider'];
  /** The driver's settings of one pool. */
  protected abstract poolSettings(pool: PoolOf<P>, provider: P): T['pool'];
  /** The driver's settings of one pool label. */
  protected abstract labelSettings(label: LabelOf<P>, pool: PoolOf<P>, provider: P): T['label'];
  /** The driver's settings of one cloud image. */
  protected abstract cloudImageSettings(image: CloudImageOf<P>, provider: P): T['cloudImage'];
  /** The driver's settings of one `diskimages` entry (what a launch from its uploads needs). */
  protected abstract diskimageSettings(image: DiskimageOf<P>, provider: P): T['diskimage'];
  /** The user tags (or metadata) the label puts on its resources. */
  protected abstract labelTags(label: LabelOf<P>): Record<string, string>;
  /** The `host-key-checking` that applies to `label` (see `PoolLabelConfig.hostKeyChecking`), by the driver's schema. */
  protected abstract hostKeyChecking(label: LabelOf<P>, pool: PoolOf<P>, provider: P): boolean;

  /**
   * Why this pool cannot launch `label` although the file is valid, or undefined. Drivers that
   * accept keys they cannot act on yet add their own reasons.
   */
  protected unavailableReason(_label: LabelOf<P>): string | undefined {
    return undefined;
  }

  /** Limits each pool starts from, before its own `max-*` keys (quota keys, as in `PoolConfig.limits`). */
  protected poolLimitDefaults(_provider: P): Record<string, number | undefined> {
    return {};
  }

  /** Nodepool's `rate` (undefined: not set) in requests per second, as this driver reads it. */
  protected ratePerSecond(rate: number | undefined): number {
    return effectiveRatePerSecond(this.driver, rate);
  }

  /** The availability zones a pool may use; empty: any. */
  protected availabilityZones(pool: PoolOf<P>): string[] {
    return pool['availability-zones'] ?? [];
  }

  private loadedState(): NonNullable<typeof this.loaded> {
    if (!this.loaded) throw new Error(`provider ${this.name}: configuration not loaded yet`);
    return this.loaded;
  }

  private commonSettings(provider: P): ProviderCommonSettings {
    const { rate } = provider;
    return {
      rate,
      ratePerSecond: this.ratePerSecond(rate),
      launchRetries: provider['launch-retries'],
      launchTimeout: provider['launch-timeout'],
      bootTimeout: provider['boot-timeout'] ?? this.defaultBootTimeout,
      maxConcurrency: Math.max(0, provider['max-concurrency']),
      priority: provider.priority,
    };
  }

  private cloudImageConfig(image: CloudImageOf<P>, provider: P): CloudImageConfig<T['cloudImage']> {
    const connectionType = image['connection-type'];
    return {
      name: image.name,
      username: image.username,
      pythonPath: image['python-path'],
      shellType: image['shell-type'],
      connectionType,
      connectionPort: image['connection-port'] ?? (connectionType === 'winrm' ? WINRM_PORT : SSH_PORT),
      settings: this.cloudImageSettings(image, provider),
    };
  }

  private diskimageConfig(image: DiskimageOf<P>, built: NodepoolConfig['diskimages'] extends Map<string, infer D> ? D : never, provider: P): ProviderDiskimageConfig<T['diskimage']> {
    const connectionType = image['connection-type'];
    return {
      name: image.name,
      username: image.username ?? built.username,
      pythonPath: image['python-path'] ?? built.pythonPath,
      shellType: image['shell-type'] ?? built.shellType,
      connectionType,
      connectionPort: image['connection-port'] ?? (connectionType === 'winrm' ? WINRM_PORT : SSH_PORT),
      pause: image.pause,
      settings: this.diskimageSettings(image, provider),
    };
  }

  private poolConfig(
    provider: P,
    pool: PoolOf<P>,
    index: number,
    config: NodepoolConfig,
    issues: ConfigIssue[],
  ): TypedPoolConfig<T['pool'], T['label']> {
    const labels = new Map<string, PoolLabelConfig<T['label']>>();
    pool.labels.forEach((label: LabelOf<P>, labelIndex: number) => {
      const at = ['pools', index, 'labels', labelIndex];
      if (!config.labels.has(label.name)) {
        issues.push({ path: [...at, 'name'], message: `label "${label.name}" is not declared in the top-level labels` });
      }
      const cloudImage = label['cloud-image'];
      if (cloudImage !== undefined && !this.cloudImages.has(cloudImage)) {
        issues.push({
          path: [...at, 'cloud-image'],
          message: `cloud-image "${cloudImage}" is not in this provider's cloud-images`,
        });
      }
      if (label.diskimage !== undefined && !this.diskimages.has(label.diskimage)) {
        issues.push({ path: [...at, 'diskimage'], message: `diskimage "${label.diskimage}" is not in this provider's diskimages` });
      }
      labels.set(label.name, {
        name: label.name,
        poolName: pool.name,
        cloudImage,
        diskimage: label.diskimage,
        unavailable: this.unavailableReason(label),
        tags: this.labelTags(label),
        hostKeyChecking: this.hostKeyChecking(label, pool, provider),
        settings: this.labelSettings(label, pool, provider),
      });
    });
    return {
      name: pool.name,
      providerName: this.name,
      limits: QuotaSet.of({ ...this.poolLimitDefaults(provider), ...limitValues(pool), ...pool['max-resources'] }),
      priority: pool.priority ?? provider.priority,
      nodeAttributes: pool['node-attributes'],
      azs: this.availabilityZones(pool),
      labels,
      settings: this.poolSettings(pool, provider),
    };
  }
}
