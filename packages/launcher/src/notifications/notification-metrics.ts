import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebhookStats } from './webhook-sink.js';

/**
 * The webhook's counters as Prometheus series, read from its stats at scrape time:
 * `cloudpool_notification_webhook_total{outcome}` (delivered, failed, dropped: pushed out of
 * the full queue), `cloudpool_notification_webhook_retries_total` and the queue length.
 */
export function registerNotificationMetrics(registry: Registry, stats: () => WebhookStats): void {
  const registers = [registry];
  new Counter({
    name: 'cloudpool_notification_webhook_total',
    help: 'Node notifications the webhook is done with, by outcome: delivered, failed (out of attempts or refused), dropped (pushed out of its full queue unsent).',
    labelNames: ['outcome'],
    registers,
    collect() {
      const now = stats();
      this.reset();
      for (const outcome of ['delivered', 'failed', 'dropped'] as const) this.inc({ outcome }, now[outcome]);
    },
  });
  new Counter({
    name: 'cloudpool_notification_webhook_retries_total',
    help: 'Webhook sends that failed and were tried again after a backoff.',
    registers,
    collect() {
      this.reset();
      this.inc(stats().retries);
    },
  });
  new Gauge({
    name: 'cloudpool_notification_webhook_queued',
    help: 'Node notifications waiting for the webhook (bounded; the oldest is dropped when full).',
    registers,
    collect() {
      this.set(stats().queued);
    },
  });
}
