import { ProviderHealthMonitor, type ProviderHealth } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import type { Launcher } from '../launcher.js';

/** The health monitor of a new provider runtime: every cloud call of the provider goes through it. */
export function monitorHealth(provider: string, context: Pick<LauncherContext, 'clock' | 'logger'>): ProviderHealthMonitor {
  return new ProviderHealthMonitor({ provider, clock: context.clock, logger: context.logger });
}

/** One configured provider's health, as `/ready`, `/metrics`, statsd and the dashboard show it. */
export interface ProviderHealthEntry extends ProviderHealth {
  provider: string;
}

/**
 * The health of every configured provider, by name: a running provider's from its monitor; a
 * provider that could not start is `down` with the start's error, or `auth-failing` when that
 * error was the cloud refusing its credentials. Reasons are cloud messages, never credentials.
 */
export function providerHealth(launcher: Pick<Launcher, 'currentConfig' | 'runtimes' | 'downProviders'>): ProviderHealthEntry[] {
  const running = launcher.runtimes();
  const down = launcher.downProviders();
  const entries: ProviderHealthEntry[] = [];
  for (const provider of launcher.currentConfig.providers.keys()) {
    const runtime = running.get(provider);
    const failed = down.get(provider);
    if (runtime) entries.push({ provider, ...runtime.health.health() });
    else if (failed) entries.push({ provider, state: failed.credentialsRefused ? 'auth-failing' : 'down', since: failed.since, reason: failed.reason });
  }
  return entries;
}
