import { NODE_STATES, statsdCounters, summarizeCleanup, type ApiCallEvent, type CleanupReport } from '@cloudpool/common';
import { StatsD } from 'hot-shots';
import type { Logger } from 'pino';
import type { LauncherEvents } from '../context.js';
import type { Launcher } from '../launcher.js';
import { providerHealth } from '../providers/provider-health.js';
import { PROVIDER_HEALTH_STATES } from './health-gauge.js';
import { QueueSubscriptions } from './queue-subscriptions.js';

/** Nodepool's STATS_INTERVAL: node gauges are sent at most this often, seconds. */
const STATS_INTERVAL_S = 15;

/** Where to send, from Nodepool's environment variables. */
export interface StatsdSettings {
  host: string;
  port: number;
  /** Put before every name, with a dot, as Python's statsd client does. */
  prefix?: string;
}

/**
 * Nodepool's statsd settings: `STATSD_HOST` (or `STATSD_PORT`) turns statsd on, as in Nodepool's
 * `stats.get_client()`; the port defaults to 8125 and `STATSD_PREFIX` prefixes every name.
 * Undefined when neither is set.
 */
export function statsdSettings(env: NodeJS.ProcessEnv): StatsdSettings | undefined {
  const host = env.STATSD_HOST || undefined;
  const port = env.STATSD_PORT || undefined;
  if (host === undefined && port === undefined) return undefined;
  const portNumber = port === undefined ? 8125 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) throw new Error(`STATSD_PORT must be a port number, got "${port}"`);
  return { host: host ?? 'localhost', port: portNumber, ...(env.STATSD_PREFIX ? { prefix: env.STATSD_PREFIX } : {}) };
}

/** Nodepool's launch subkeys: `ready`, `error.quota` (a cloud quota error), `error.unknown`. */
const LAUNCH_SUBKEY: Readonly<Record<LauncherEvents['launch'][0]['result'], string>> = {
  ready: 'ready',
  aborted: 'error.quota',
  failed: 'error.unknown',
};

/**
 * Sends Nodepool's statsd metrics, with its names and types (nodepool/stats.py and the launcher),
 * next to the Prometheus ones:
 * - per launch, a timer (ms) and a counter each of `nodepool.launch.<subkey>`,
 *   `nodepool.launch.provider.<provider>.<subkey>`, `nodepool.launch.provider.<provider>.<az>.<subkey>`
 *   (when the node has an AZ) and `nodepool.launch.requestor.<requestor>.<subkey>` (`.` and `:`
 *   replaced by `_`), subkey `ready`, `error.quota` or `error.unknown`;
 * - every 15 s, gauges `nodepool.nodes.<state>`, `nodepool.provider.<provider>.nodes.<state>` and
 *   `nodepool.label.<label>.nodes.<state>` (every state and served label starting from 0), and
 *   `nodepool.provider.<provider>.max_servers` (the sum of its pools' max-servers);
 * - per cloud API call, a timer and a counter `nodepool.task.<provider>.<action>`;
 * - per leak-cleanup pass, `nodepool.provider.<provider>.leaked.<type>s` (resources deleted) and
 *   cloudpool's own cleanup counters beside it (see `statsdCounters`);
 * - every 15 s, cloudpool's own `cloudpool.provider.<provider>.health.<state>` gauges (Nodepool has
 *   none): 1 for the state the provider is in (`ok`, `auth_failing`, `down`), 0 for the others.
 */
export class StatsdReporter {
  private readonly client: StatsD;
  private readonly queues: QueueSubscriptions;
  private readonly timer: NodeJS.Timeout;
  private readonly detach: () => void;

  constructor(
    private readonly launcher: Launcher,
    settings: StatsdSettings,
    logger: Logger,
    options: { intervalMs?: number } = {},
  ) {
    this.client = new StatsD({
      host: settings.host,
      port: settings.port,
      prefix: settings.prefix ? `${settings.prefix}.` : '',
      cacheDns: true,
      errorHandler: (error) => logger.warn({ err: error }, `statsd: sending to ${settings.host}:${settings.port} failed`),
    });
    const { events } = launcher.context;
    const onLaunch = (event: LauncherEvents['launch'][0]) => this.launch(event);
    const onCleanup = (report: CleanupReport) => this.cleanupPass(report);
    events.on('launch', onLaunch);
    events.on('cleanupPass', onCleanup);
    this.detach = () => {
      events.off('launch', onLaunch);
      events.off('cleanupPass', onCleanup);
    };
    this.queues = new QueueSubscriptions(launcher, { call: (event) => this.apiCall(event), earlier: () => undefined });
    this.queues.sync();
    this.timer = setInterval(() => {
      this.queues.sync();
      this.sendGauges();
    }, options.intervalMs ?? STATS_INTERVAL_S * 1000).unref();
  }

  /** Stops reporting; resolves once what was sent has left the socket. */
  close(): Promise<void> {
    clearInterval(this.timer);
    this.detach();
    this.queues.close();
    return new Promise((resolve) => this.client.close(() => resolve()));
  }

  private launch(event: LauncherEvents['launch'][0]): void {
    const subkey = LAUNCH_SUBKEY[event.result];
    const keys = [`nodepool.launch.provider.${event.provider}.${subkey}`, `nodepool.launch.${subkey}`];
    const node = this.launcher.context.nodes.get(event.node);
    if (node?.az) keys.push(`nodepool.launch.provider.${event.provider}.${node.az}.${subkey}`);
    const requestor = node?.allocated_to ? this.launcher.context.requests.get(node.allocated_to)?.requestor : undefined;
    if (requestor) keys.push(`nodepool.launch.requestor.${requestor.replaceAll('.', '_').replaceAll(':', '_')}.${subkey}`);
    for (const key of keys) {
      this.client.timing(key, event.durationMs);
      this.client.increment(key);
    }
  }

  private apiCall(event: ApiCallEvent): void {
    const key = `nodepool.task.${event.queue}.${event.action}`;
    this.client.timing(key, event.durationMs);
    this.client.increment(key);
  }

  private cleanupPass(report: CleanupReport): void {
    for (const [name, value] of statsdCounters(summarizeCleanup(report))) this.client.increment(name, value);
  }

  private sendGauges(): void {
    const gauges = new Map<string, number>();
    const add = (key: string) => gauges.set(key, (gauges.get(key) ?? 0) + 1);
    const runtimes = [...this.launcher.runtimes().values()];
    for (const state of NODE_STATES) gauges.set(`nodepool.nodes.${state}`, 0);
    for (const runtime of runtimes) {
      for (const state of NODE_STATES) gauges.set(`nodepool.provider.${runtime.name}.nodes.${state}`, 0);
      for (const pool of runtime.config.pools.values()) {
        for (const label of pool.labels.keys()) for (const state of NODE_STATES) gauges.set(`nodepool.label.${label}.nodes.${state}`, 0);
      }
    }
    for (const node of this.launcher.context.nodes.values()) {
      add(`nodepool.nodes.${node.state}`);
      for (const label of node.type) add(`nodepool.label.${label}.nodes.${node.state}`);
      add(`nodepool.provider.${node.provider}.nodes.${node.state}`);
    }
    for (const runtime of runtimes) {
      let maxServers = 0;
      for (const pool of runtime.config.pools.values()) maxServers += pool.limits.get('instances') ?? 0;
      gauges.set(`nodepool.provider.${runtime.name}.max_servers`, maxServers);
    }
    for (const { provider, state } of providerHealth(this.launcher)) {
      for (const each of PROVIDER_HEALTH_STATES) gauges.set(`cloudpool.provider.${provider}.health.${each.replace('-', '_')}`, each === state ? 1 : 0);
    }
    for (const [key, value] of gauges) this.client.gauge(key, value);
  }
}
