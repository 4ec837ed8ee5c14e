import { diskimagesOf } from './diskimages.js';
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
   * When every issue lies inside provider entries, each with a name no other entry has: the
   * configuration with the valid providers loaded and the broken ones left out (a daemon keeps
   * the others running on it, and the broken ones on their previous configuration).
   */
  partial?: { config: NodepoolConfig; brokenProviders: BrokenProvider[] };
  /** Every problem found, each with its line when known, in file order. */
  issues: ConfigIssue[];
}

/** A provider entry with problems: its index in `providers` and its name. */
export interface BrokenProvider {
  index: number;
  name: string;
}

/** Nodepool's driver for a provider without a `driver:` key. */
export const DEFAULT_DRIVER = 'openstack';

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
  const env = substituteEnv(text, options.env ?? process.env);
  const yaml = parseYamlSource(env.text);
  const envIssues = env.issues.map((issue) => ({ ...issue, path: (issue.line && yaml.pathAt(issue.line)) || [] }));
  if (yaml.data === undefined) return { issues: [...envIssues, ...yaml.issues].sort(byLine) };

  const data = yaml.data;
  const fromEnvironment = (path: readonly PathSegment[]) => env.substitutedLines.has(yaml.lineOf(path) ?? 0);
  const failedLines = new Set(env.issues.map((issue) => issue.line));
  const checked: ConfigIssue[] = [...duplicateNameIssues(data)];

  const top = topLevelSchema.safeParse(data, { reportInput: true });
  if (!top.success) checked.push(...issuesFromZod(top.error.issues, { at: [], fromEnvironment }));
  const config = top.success ? configFromTopLevel(top.data) : undefined;

  const drivers = driverMap(options.drivers);
  for (const [index, raw] of providerEntries(data)) {
    checked.push(...loadProvider(raw, ['providers', index], drivers, config, fromEnvironment));
  }
  if (config && top.data?.cloudpool.cleanup['min-age'] === undefined) {
    // Known only now that the providers are loaded.
    config.cloudpool.cleanup.minAge = defaultCleanupMinAge(config.providers.values());
  }

  // A value whose variable is unset is reported as such, not as the invalid value it leaves.
  const placed = checked.map((issue) => ({ ...issue, line: issue.line ?? yaml.lineOf(issue.path) }));
  const issues = [...yaml.issues, ...envIssues, ...placed.filter((issue) => !failedLines.has(issue.line))].sort(byLine);
  if (issues.length === 0 && config) return { config, issues };
  const indexes = providerIndexes(issues);
  if (!config || !indexes) return { issues };
  const names = new Map(providerEntries(data).map(([index, raw]) => [index, typeof raw.name === 'string' ? raw.name : undefined]));
  // A broken entry must say, by a name of its own, which running provider it stands for: a
  // missing or repeated name (one renamed onto another) makes the whole file invalid.
  const counts = new Map<string | undefined, number>();
  for (const name of names.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const brokenProviders: BrokenProvider[] = [];
  for (const index of indexes) {
    const name = names.get(index);
    if (name === undefined || counts.get(name)! > 1) return { issues };
    brokenProviders.push({ index, name });
  }
  return { issues, partial: { config, brokenProviders } };
}

function byLine(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? 0) - (b.line ?? 0);
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
    zookeeperServers: withEnsembleChroot(top['zookeeper-servers']),
    zookeeperTls: top['zookeeper-tls'],
    zookeeperAuth: zookeeperAuth(top['zookeeper-auth']),
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
    diskimages: diskimagesOf(top.diskimages),
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
      notifications: {
        ...(top.cloudpool.notifications.webhook === undefined ? {} : { webhook: top.cloudpool.notifications.webhook }),
      },
    },
  };
}

/** Every server with the ensemble's chroot (the one the entries that name one agree on). */
export function withEnsembleChroot(servers: TopLevelConfig['zookeeper-servers']): NodepoolConfig['zookeeperServers'] {
  const chroot = servers.find((server) => server.chroot !== undefined)?.chroot;
  return servers.map((server) => (chroot === undefined ? server : { ...server, chroot }));
}

/** The session credentials of Nodepool's `zookeeper-auth`: `username:password` for its scheme, as kazoo's `auth_data`. */
function zookeeperAuth(auth: TopLevelConfig['zookeeper-auth']): NodepoolConfig['zookeeperAuth'] {
  return auth && { scheme: auth.scheme, credential: `${auth.username}:${auth.password}` };
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
