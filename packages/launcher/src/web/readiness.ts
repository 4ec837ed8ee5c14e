import type { Launcher } from '../launcher.js';

/**
 * Nodepool's `/ready`: false until the launcher has started its providers, then true for
 * good (like Nodepool's `ready` flag, a later config reload that idles and restarts a provider
 * does not make the launcher unready). "Started" means every provider of the configuration in
 * force runs: a provider that failed to start keeps the launcher unready until a reload
 * starts it, so a rolling update stops at a launcher that cannot serve its providers.
 */
export class Readiness {
  private ready = false;

  constructor(private readonly launcher: Pick<Launcher, 'currentConfig' | 'runtimes'>) {}

  isReady(): boolean {
    if (!this.ready) this.ready = this.waitingFor().length === 0;
    return this.ready;
  }

  /** The configured providers that are not running yet. */
  waitingFor(): string[] {
    if (this.ready) return [];
    const running = this.launcher.runtimes();
    return [...this.launcher.currentConfig.providers.keys()].filter((name) => !running.has(name));
  }
}
