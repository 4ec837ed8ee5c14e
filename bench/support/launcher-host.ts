/**
 * A child process running one cloudpool launcher, as in production: its own ZooKeeper session,
 * SDK clients and API queues. Started by `startLauncher` (harness.ts) with a JSON argument
 * (`LauncherSpec`); forwards the launcher's events and answers the calls below over IPC.
 */
import { loadConfig, type Driver } from '@cloudpool/common';
import { Launcher, type LauncherOptions, type LauncherTimings } from '@cloudpool/launcher';
import { exitSoon, pushEvent, serve } from './ipc.js';

export interface LauncherSpec {
  hostname: string;
  configText: string;
  /** PEM CA of the Azure simulator. */
  azureCa?: string;
  /** Directory of the `clouds.yaml` of the OpenStack simulator. */
  cloudsDir?: string;
  aws?: { accessKeyId: string; secretAccessKey: string };
  timings?: Partial<LauncherTimings>;
}

export interface CleanupPassSummary {
  provider: string;
  startedAt: number;
  durationMs: number;
  /** Launcher CPU during the pass (from 100 ms samples). */
  cpuMs: number;
  rules: Record<string, number>;
  deleted: number;
  /** Leaked sub-resources left for the next pass (their instance was still there). */
  deferred: number;
  failed: number;
  /** Why deletes failed, by message (ids masked). */
  failures: Record<string, number>;
  aborted?: string;
  breakerTrip?: string;
}

export interface LauncherStats {
  zk: { reads: number; writes: number; watchesSet: number; watchEvents: number; byOperation: Record<string, number> };
  queues: Record<string, { actions: Record<string, { calls: number; throttles: number; failures: Record<string, number> }>; effectiveRatePerSecond: Record<string, number> }>;
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  cachedNodes: number;
  /** ZooKeeper operations by operation and path pattern (ids as `#`), e.g. `create /nodepool/nodes/#/lock/#`. */
  zkPaths: Record<string, number>;
  /** Warnings and errors logged, by message. */
  log: Record<string, number>;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LauncherSpec;
if (spec.aws) {
  process.env.AWS_ACCESS_KEY_ID = spec.aws.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = spec.aws.secretAccessKey;
}

// Warnings and errors are counted by message (a benchmark reports them; nothing is printed).
// pino's interface as far as the launcher uses it: info, warn, error and child.
const log: Record<string, number> = {};
/** A message with its ids (instance ids, node ids, UUIDs, ARM names) masked, so alike messages count together. */
const mask = (message: string) => message.replace(/\b(i-[0-9a-f]+|\d{10}|[0-9a-f-]{36}|seed-[a-z]+-\d+[-a-z]*|np\d+[-a-z0-9]*)\b/g, '…');
const count = (level: string) => (...args: unknown[]) => {
  const message = args.find((arg): arg is string => typeof arg === 'string') ?? '';
  const key = `${level}: ${mask(message).slice(0, 120)}`;
  log[key] = (log[key] ?? 0) + 1;
};
const quiet = () => undefined;
const countingLogger = { trace: quiet, debug: quiet, info: quiet, warn: count('warn'), error: count('error'), fatal: count('fatal'), child: () => countingLogger };
const logger = countingLogger as unknown as NonNullable<LauncherOptions['logger']>;

// Only the drivers the configuration names are loaded, as the launcher does (a driver's SDK is most of its memory).
const named = new Set([...spec.configText.matchAll(/^ {4}driver: (\S+)$/gm)].map((match) => match[1]));
const drivers = new Map<string, Driver>();
if (named.has('aws')) drivers.set('aws', (await import('@cloudpool/aws')).awsDriver);
if (named.has('azure')) drivers.set('azure', (await import('@cloudpool/azure')).createAzureDriver(spec.azureCa ? { ca: spec.azureCa } : {}));
if (named.has('openstack')) {
  const { createOpenStackDriver } = await import('@cloudpool/openstack');
  drivers.set('openstack', createOpenStackDriver(spec.cloudsDir ? { cloudsYaml: () => ({ directories: [spec.cloudsDir!], env: {} }) } : {}));
}
const config = loadConfig({ text: spec.configText, path: 'nodepool.yaml' }, { drivers: Object.fromEntries(drivers), env: {} });

// CPU samples every 100 ms, to tell the CPU of a cleanup pass afterwards.
const samples: Array<{ at: number; cpuMs: number }> = [];
const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const sampler = setInterval(() => {
  samples.push({ at: Date.now(), cpuMs: cpuMsNow() });
  if (samples.length > 6000) samples.splice(0, 1000);
}, 100);
samples.push({ at: Date.now(), cpuMs: cpuMsNow() });

const launcher = await Launcher.start({ config, drivers, logger, hostname: spec.hostname, ...(spec.timings ? { timings: spec.timings } : {}) });
const { client, events, nodes } = launcher.context;
client.enableStats();

// Which znodes the operations touch: the client's public operations are counted by path pattern.
const zkPaths: Record<string, number> = {};
const pattern = (path: string) =>
  path
    .replace(/\/[0-9a-f]{32}__r?lock__(\d{10})?/g, '/#')
    .replace(/\/(\d{3}-)?\d{10}(?=\/|$)/g, '/#')
    .replace(/\/[^/]*\d{10}$/, '/#');
for (const operation of ['create', 'get', 'set', 'delete', 'exists', 'getChildren'] as const) {
  const original = client[operation].bind(client) as (path: string, ...rest: unknown[]) => Promise<unknown>;
  (client as unknown as Record<string, unknown>)[operation] = (path: string, ...rest: unknown[]) => {
    const key = `${operation} ${pattern(path)}`;
    zkPaths[key] = (zkPaths[key] ?? 0) + 1;
    return original(path, ...rest);
  };
}

events.on('launch', (event) => pushEvent('launch', { ...event, at: Date.now() }));
events.on('cleanupPass', (report) => {
  const before = [...samples].reverse().find((s) => s.at <= report.startedAt) ?? samples[0]!;
  const rules: Record<string, number> = {};
  for (const decision of report.decisions) rules[decision.rule] = (rules[decision.rule] ?? 0) + 1;
  const failures: Record<string, number> = {};
  for (const { resource, error } of report.failed) {
    const key = `${resource.type}: ${mask(error).slice(0, 160)}`;
    failures[key] = (failures[key] ?? 0) + 1;
  }
  const summary: CleanupPassSummary = {
    provider: report.provider,
    startedAt: report.startedAt,
    durationMs: Date.now() - report.startedAt,
    cpuMs: cpuMsNow() - before.cpuMs,
    rules,
    deleted: report.deleted.length,
    deferred: report.deferred.length,
    failed: report.failed.length,
    failures,
    ...(report.aborted ? { aborted: report.aborted } : {}),
    ...(report.breakerTrip ? { breakerTrip: report.breakerTrip } : {}),
  };
  pushEvent('cleanupPass', summary);
});

serve({
  stats: (): LauncherStats => ({
    zk: structuredClone(client.stats!),
    queues: Object.fromEntries([...launcher.runtimes()].map(([name, runtime]) => [name, runtime.queue.stats()])),
    cpu: process.cpuUsage(),
    memory: process.memoryUsage(),
    cachedNodes: nodes.size,
    zkPaths: { ...zkPaths },
    log: { ...log },
  }),
  /** Collects garbage (the child runs with --expose-gc) and returns the memory usage after it. */
  gc: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  },
  stop: async () => {
    clearInterval(sampler);
    await launcher.stop();
    exitSoon();
  },
});
