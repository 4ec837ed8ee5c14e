import type { ProviderHealthState } from '@cloudpool/common';
import { Gauge, type Registry } from 'prom-client';
import type { Launcher } from '../launcher.js';
import { providerHealth } from '../providers/provider-health.js';

/** Every health state, each a series of `cloudpool_provider_health` (a state set: one of them is 1). */
export const PROVIDER_HEALTH_STATES: readonly ProviderHealthState[] = ['ok', 'auth-failing', 'down'];

/**
 * `cloudpool_provider_health{provider,state}`: 1 for the state each configured provider is in
 * now, 0 for the others (see ProviderHealthState), read at scrape time. Alert on
 * `cloudpool_provider_health{state!="ok"} == 1`.
 */
export function registerHealthGauge(registry: Registry, launcher: Launcher): void {
  new Gauge({
    name: 'cloudpool_provider_health',
    help: 'A provider\'s health: 1 for the state it is in (ok, auth-failing: the cloud refuses its credentials, down: it could not start), 0 for the others.',
    labelNames: ['provider', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, state } of providerHealth(launcher)) {
        for (const each of PROVIDER_HEALTH_STATES) this.set({ provider, state: each }, each === state ? 1 : 0);
      }
    },
  });
}
