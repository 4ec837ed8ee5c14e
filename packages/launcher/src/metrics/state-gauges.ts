import { REQUEST_STATES } from '@cloudpool/common';
import { Gauge, type Registry } from 'prom-client';
import type { Launcher } from '../launcher.js';
import type { QuotaReader } from './quota-reader.js';

/**
 * The gauges read at scrape time: nodes and requests from the launcher's caches, paused pools,
 * the providers' API queues, and quota from the {@link QuotaReader}. Each one is rebuilt on
 * every scrape, so series of removed providers or vanished states disappear.
 */
export function registerStateGauges(registry: Registry, launcher: Launcher, quota: QuotaReader): void {
  const registers = [registry];
  const { nodes, requests } = launcher.context;
  const queueStats = () => [...launcher.runtimes().values()].map((r) => r.queue.stats());

  new Gauge({
    name: 'cloudpool_nodes',
    help: 'Nodes in ZooKeeper by provider, label and state (a node of several labels counts under each, as in Nodepool).',
    labelNames: ['provider', 'label', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const node of nodes.values()) {
        for (const label of node.type.length > 0 ? node.type : ['']) this.inc({ provider: node.provider ?? '', label, state: node.state });
      }
    },
  });
  new Gauge({
    name: 'cloudpool_requests',
    help: 'Node requests in ZooKeeper by state (requested: waiting for a launcher to take it).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      for (const state of REQUEST_STATES) this.set({ state }, 0);
      for (const request of requests.values()) this.inc({ state: request.state });
    },
  });
  new Gauge({
    name: 'cloudpool_pool_paused',
    help: '1 while a pool of this launcher is paused, waiting for quota to free.',
    labelNames: ['provider', 'pool'] as const,
    registers,
    collect() {
      this.reset();
      for (const worker of launcher.poolWorkers()) this.set({ provider: worker.runtime.name, pool: worker.pool.name }, worker.isPaused ? 1 : 0);
    },
  });

  new Gauge({
    name: 'cloudpool_api_queue_waiting',
    help: "Cloud API calls waiting in a provider's queue.",
    labelNames: ['provider'] as const,
    registers,
    collect() {
      this.reset();
      for (const stats of queueStats()) this.set({ provider: stats.name }, stats.waiting);
    },
  });
  new Gauge({
    name: 'cloudpool_api_queue_in_flight',
    help: "Cloud API calls of a provider's queue running now.",
    labelNames: ['provider'] as const,
    registers,
    collect() {
      this.reset();
      for (const stats of queueStats()) this.set({ provider: stats.name }, stats.inFlight);
    },
  });
  new Gauge({
    name: 'cloudpool_api_rate_per_second',
    help: "The rate a provider's queue sends calls at now, by kind (read, write); lowered after throttles.",
    labelNames: ['provider', 'kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const stats of queueStats()) {
        for (const [kind, rate] of Object.entries(stats.effectiveRatePerSecond)) this.set({ provider: stats.name, kind }, rate);
      }
    },
  });

  new Gauge({
    name: 'cloudpool_quota_used',
    help: "Quota used by a provider's nodes in ZooKeeper (the sum of their resources), by resource.",
    labelNames: ['provider', 'resource'] as const,
    registers,
    async collect() {
      const providers = await quota.read();
      this.reset();
      for (const { provider, resources } of providers) for (const r of resources) this.set({ provider, resource: r.resource }, r.used);
    },
  });
  new Gauge({
    name: 'cloudpool_quota_limit',
    help: "A provider's limit by resource and layer: cloud (the cloud's limit net of usage the provider does not manage, read at most every 30 s) or pools (the sum of its pools' max-servers, max-cores...).",
    labelNames: ['provider', 'resource', 'layer'] as const,
    registers,
    async collect() {
      const providers = await quota.read();
      this.reset();
      for (const { provider, resources } of providers) {
        for (const r of resources) {
          if (r.cloudLimit !== undefined) this.set({ provider, resource: r.resource, layer: 'cloud' }, r.cloudLimit);
          if (r.poolLimit !== undefined) this.set({ provider, resource: r.resource, layer: 'pools' }, r.poolLimit);
        }
      }
    },
  });
}
