import type { Launcher } from '../launcher.js';
import { providerHealth, type ProviderHealthEntry } from '../providers/provider-health.js';

/** The JSON body of `/ready` (with `Accept: application/json`). */
export interface ReadyBody {
  ready: boolean;
  /** Configured providers the launcher still waits for before it is ready. */
  waitingFor: string[];
  /** Every configured provider's health (`since` in epoch ms), ready or not. */
  providers: ProviderHealthEntry[];
}

/**
 * Nodepool's `/ready`: false until the launcher has started its providers, then true for
 * good (like Nodepool's `ready` flag, a later config reload that idles and restarts a provider
 * does not make the launcher unready). "Started" means every provider of the configuration in
 * force runs: a provider that failed to start keeps the launcher unready until a reload
 * starts it, so a rolling update stops at a launcher that cannot serve its providers.
 *
 * Provider health never makes a started launcher unready: a cloud refusing a provider's
 * credentials, at start or later, is shown in the body (`providers`, state `auth-failing`), on
 * `/metrics` and on the dashboard, while the status stays 200 once the rest has started. Neither
 * waiting nor restarting the launcher mends a wrong password, and a probe that failed on it
 * would have Kubernetes restart or drain a launcher whose other providers serve.
 */
export class Readiness {
  private ready = false;

  constructor(private readonly launcher: Pick<Launcher, 'currentConfig' | 'runtimes' | 'downProviders'>) {}

  isReady(): boolean {
    if (!this.ready) this.ready = this.waitingFor().length === 0;
    return this.ready;
  }

  /** The configured providers that are not running yet (those whose credentials the cloud refused aside). */
  waitingFor(): string[] {
    if (this.ready) return [];
    const running = this.launcher.runtimes();
    const down = this.launcher.downProviders();
    return [...this.launcher.currentConfig.providers.keys()].filter((name) => !running.has(name) && !down.get(name)?.credentialsRefused);
  }

  body(): ReadyBody {
    const ready = this.isReady();
    return { ready, waitingFor: this.waitingFor(), providers: providerHealth(this.launcher) };
  }
}
