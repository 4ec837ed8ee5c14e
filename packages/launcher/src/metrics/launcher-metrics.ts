import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Launcher } from '../launcher.js';
import { registerNotificationMetrics } from '../notifications/notification-metrics.js';
import { registerEventCounters } from './event-counters.js';
import { registerHealthGauge } from './health-gauge.js';
import { QueueSubscriptions } from './queue-subscriptions.js';
import type { QuotaReader } from './quota-reader.js';
import { registerStateGauges } from './state-gauges.js';

/**
 * Ms between checks for provider runtimes whose API queue is not followed yet. Counters are
 * exact anyway (a new queue's earlier calls are counted when it is found, at the latest on the
 * next scrape); the timer keeps the durations of those early calls from going unobserved.
 */
const QUEUE_SYNC_MS = 1000;

/**
 * The Prometheus metrics of one launcher, in a registry of its own (with the process's
 * default `process_*` and `nodejs_*` metrics). Counters follow the launcher's events and its
 * providers' API queues from construction until `close()`; gauges are read at scrape time.
 * `statsd-names.ts` maps Nodepool's statsd names onto these series.
 */
export class LauncherMetrics {
  readonly registry = new Registry();
  private readonly queues: QueueSubscriptions;
  private readonly timer: NodeJS.Timeout;
  private readonly detach: () => void;

  constructor(launcher: Launcher, quota: QuotaReader) {
    collectDefaultMetrics({ register: this.registry });
    registerStateGauges(this.registry, launcher, quota);
    registerNotificationMetrics(this.registry, () => launcher.notifications.webhook.stats());
    registerHealthGauge(this.registry, launcher);
    const counters = registerEventCounters(this.registry);
    const { events } = launcher.context;
    events.on('launch', counters.launch);
    events.on('request', counters.request);
    events.on('cleanupPass', counters.cleanupPass);
    this.detach = () => {
      events.off('launch', counters.launch);
      events.off('request', counters.request);
      events.off('cleanupPass', counters.cleanupPass);
    };
    this.queues = new QueueSubscriptions(launcher, { call: counters.apiCall, earlier: counters.earlierApiCalls });
    this.queues.sync();
    this.timer = setInterval(() => this.queues.sync(), QUEUE_SYNC_MS).unref();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of one scrape. */
  async text(): Promise<string> {
    this.queues.sync();
    return this.registry.metrics();
  }

  /** Every cloudpool metric with its type and help, one a line. */
  helpText(): string {
    const ours = this.registry.getMetricsAsArray().filter((m) => m.name.startsWith('cloudpool_'));
    const width = Math.max(...ours.map((m) => m.name.length));
    return ['cloudpool metrics (GET /metrics):', ...ours.map((m) => `  ${m.name.padEnd(width)}  ${String(m.type).padEnd(9)}  ${m.help}`)].join('\n');
  }

  close(): void {
    clearInterval(this.timer);
    this.detach();
    this.queues.close();
  }
}
