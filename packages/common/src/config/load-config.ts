import { readFileSync } from 'node:fs';
import type { NodepoolConfig, ProviderConfig } from '../driver/config-model.js';
import type { Driver } from '../driver/driver.js';
import { ConfigError, type ConfigIssue, issuesUnder, type PathSegment } from './config-issue.js';
import { substituteEnv } from './env-substitution.js';
import { isMapping } from './mapping.js';
import { tenantLimits } from './quota-limits.js';
import { topLevelSchema, type TopLevelConfig } from './schema.js';
import { duplicateNameIssues } from './unique-names.js';
import { parseYamlSource } from './yaml-source.js';
import { issuesFromZod } from './zod-issues.js';

/** The file to read, or its text (`path` then only names it in messages). */
export type ConfigSource = { path: string } | { text: string; path?: string };

export interface LoadConfigOptions {
  /** The drivers a provider's `driver:` may name, by name. */
  drivers: ReadonlyMap<string, Driver> | Readonly<Record<string, Driver>>;
  /** Where `%(NODEPOOL_*)s` references are looked up. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface ConfigValidation {
  /** The loaded configuration, only when there is no issue. */
  config?: NodepoolConfig;
  /**
   * When every issue lies inside provider entries: the configuration with the valid providers
   * loaded and the broken ones left out (a daemon keeps the others running on it).
   */
  partial?: { config: NodepoolConfig; brokenProviders: BrokenProvider[] };
  /** Every problem found, each with its line when known, in file order. */
  issues: ConfigIssue[];
}

/** A provider entry with problems: its index in `providers` and its name, when it has one. */
export interface BrokenProvider {
  index: number;
  name: string | undefined;
}

/** Nodepool's driver for a provider without a `driver:` key. */
const DEFAULT_DRIVER = 'openstack';

/** `cloudpool.cleanup.min-age` when there is no provider to derive it from: Nodepool's default launch-timeout. */
const FALLBACK_CLEANUP_MIN_AGE = 3600;

/** Loads and validates `nodepool.yaml`; throws a ConfigError listing every problem. */
export function loadConfig(source: ConfigSource, options: LoadConfigOptions): NodepoolConfig {
  const { config, issues } = validateConfig(source, options);
  if (!config) throw new ConfigError(issues, source.path);
  return config;
}

/**
 * Validates `nodepool.yaml` and loads it when valid. Reports every problem, not just the first:
 * YAML syntax and duplicate keys, unset environment variables, the top level, and each provider
 * against its driver's schema, then its labels and cloud images.
 */
export function validateConfig(source: ConfigSource, options: LoadConfigOptions): ConfigValidation {
  let text: string;
  try {
    text = 'text' in source ? source.text : readFileSync(source.path, 'utf8');
  } catch (error) {
    return { issues: [{ path: [], message: `cannot read the file: ${(error as Error).message}` }] };
  }
  const yaml = parseYamlSource(text);
  if (yaml.data === undefined) return { issues: [...yaml.issues] };

  const env = substituteEnv(yaml.data, options.env ?? process.env);
  const fromEnvironment = pathSet(env.substitutedPaths);
  const envFailed = pathSet(env.issues.map((issue) => issue.path));
  const checked: ConfigIssue[] = [...duplicateNameIssues(env.data)];

  const top = topLevelSchema.safeParse(env.data, { reportInput: true });
  if (!top.success) checked.push(...issuesFromZod(top.error.issues, { at: [], fromEnvironment }));
  const config = top.success ? configFromTopLevel(top.data) : undefined;

  const drivers = driverMap(options.drivers);
  for (const [index, raw] of providerEntries(env.data)) {
    checked.push(...loadProvider(raw, ['providers', index], drivers, config, fromEnvironment));
  }
  if (config && top.data?.cloudpool.cleanup['min-age'] === undefined) {
    // Known only now that the providers are loaded.
    config.cloudpool.cleanup.minAge = defaultCleanupMinAge(config.providers.values());
  }

  const issues = [...yaml.issues, ...env.issues, ...checked.filter((issue) => !envFailed(issue.path))]
    .map((issue) => ({ ...issue, line: issue.line ?? yaml.lineOf(issue.path) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (issues.length === 0 && config) return { config, issues };
  const indexes = providerIndexes(issues);
  if (!config || !indexes) return { issues };
  const names = new Map(providerEntries(env.data).map(([index, raw]) => [index, typeof raw.name === 'string' ? raw.name : undefined]));
  return { issues, partial: { config, brokenProviders: indexes.map((index) => ({ index, name: names.get(index) })) } };
}

/** The indexes of the provider entries the issues lie in, or undefined if any lies elsewhere. */
function providerIndexes(issues: readonly ConfigIssue[]): number[] | undefined {
  const indexes = new Set<number>();
  for (const { path } of issues) {
    if (path[0] !== 'providers' || typeof path[1] !== 'number') return undefined;
    indexes.add(path[1]);
  }
  return [...indexes].sort((a, b) => a - b);
}

/**
 * The default of `cloudpool.cleanup.min-age`: the longest a launch may take on any provider
 * (`launch-timeout` + `boot-timeout`), so that no resource still inside a launch is ever taken
 * for a leak.
 */
function defaultCleanupMinAge(providers: Iterable<ProviderConfig>): number {
  let longest = 0;
  for (const { common } of providers) longest = Math.max(longest, common.launchTimeout + common.bootTimeout);
  return longest > 0 ? longest : FALLBACK_CLEANUP_MIN_AGE;
}

/** Validates one provider entry with its driver's schema and loads it into `config` (when there is one). */
function loadProvider(
  raw: Record<string, unknown>,
  at: PathSegment[],
  drivers: ReadonlyMap<string, Driver>,
  config: NodepoolConfig | undefined,
  fromEnvironment: (path: readonly PathSegment[]) => boolean,
): ConfigIssue[] {
  const name = raw.driver ?? DEFAULT_DRIVER;
  if (typeof name !== 'string') return [{ path: [...at, 'driver'], message: 'expected a driver name' }];
  const driver = drivers.get(name);
  if (!driver) {
    const implicit = raw.driver === undefined ? ' (the default when driver is not set)' : '';
    const known = [...drivers.keys()].join(', ');
    return [{ path: [...at, 'driver'], message: `unknown driver "${name}"${implicit} (known: ${known})` }];
  }
  const providerConfig = driver.getProviderConfig(raw);
  const parsed = providerConfig.getSchema().safeParse(raw, { reportInput: true });
  if (!parsed.success) return issuesFromZod(parsed.error.issues, { at, fromEnvironment });
  if (!config) return [];
  try {
    providerConfig.load(parsed.data, config);
  } catch (error) {
    if (error instanceof ConfigError) return issuesUnder(at, error.issues);
    throw error;
  }
  config.providers.set(providerConfig.name, providerConfig);
  return [];
}

/** The configuration before providers are loaded. */
function configFromTopLevel(top: TopLevelConfig): NodepoolConfig {
  const { cleanup } = top.cloudpool;
  return {
    zookeeperServers: top['zookeeper-servers'],
    zookeeperTls: top['zookeeper-tls'],
    zookeeperTimeout: top['zookeeper-timeout'],
    labels: new Map(
      top.labels.map((label) => [
        label.name,
        { name: label.name, minReady: label['min-ready'], maxReadyAge: label['max-ready-age'], pools: [] },
      ]),
    ),
    maxHoldAge: top['max-hold-age'],
    tenantResourceLimits: new Map(top['tenant-resource-limits'].map((entry) => [entry['tenant-name'], tenantLimits(entry)])),
    webapp: { port: top.webapp.port, listenAddress: top.webapp.listen_address },
    providers: new Map(),
    cloudpool: {
      systemId: top.cloudpool['system-id'],
      cleanup: {
        interval: cleanup.interval,
        minAge: cleanup['min-age'] ?? FALLBACK_CLEANUP_MIN_AGE,
        dryRun: cleanup['dry-run'],
        adoptNodepoolResources: cleanup['adopt-nodepool-resources'],
        ...(cleanup['max-delete-share'] === undefined ? {} : { maxDeleteShare: cleanup['max-delete-share'] }),
        maxDeleteCount: cleanup['max-delete-count'],
      },
    },
  };
}

/** The `providers` entries that are mappings, with their index (the top-level schema reports any other). */
function providerEntries(data: unknown): Array<[number, Record<string, unknown>]> {
  const providers = isMapping(data) ? data.providers : undefined;
  if (!Array.isArray(providers)) return [];
  return providers.flatMap((entry, index) => (isMapping(entry) ? [[index, entry] as [number, Record<string, unknown>]] : []));
}

function driverMap(drivers: LoadConfigOptions['drivers']): ReadonlyMap<string, Driver> {
  return isReadonlyMap(drivers) ? drivers : new Map(Object.entries(drivers));
}

function isReadonlyMap(value: LoadConfigOptions['drivers']): value is ReadonlyMap<string, Driver> {
  return typeof (value as ReadonlyMap<string, Driver>).get === 'function';
}

function pathSet(paths: readonly (readonly PathSegment[])[]): (path: readonly PathSegment[]) => boolean {
  const keys = new Set(paths.map((path) => JSON.stringify(path)));
  return (path) => keys.has(JSON.stringify(path));
}
