import { passProblems, ZkElection, ZkSightingsStore } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';

/** The election (`/nodepool/elections/<name>`) whose leader cleans a provider: launchers and `cloudpool cleanup` contend in it. */
export function cleanupElectionName(provider: string): string {
  return `cloudpool-cleanup-${provider}`;
}

/**
 * Leak cleanup for one provider, run by exactly one launcher at a time: launchers contend in a
 * ZooKeeper election (`/nodepool/elections/cloudpool-cleanup-<provider>`); the leader runs a
 * pass every `cloudpool.cleanup.interval` seconds until it stops or loses its session, and the
 * next contender takes over; a launcher whose leadership ended contends again. Sightings live in ZooKeeper (`/cloudpool/cleanup/<provider>`), so
 * the successor's first pass continues the two-pass rule where the last leader left it.
 */
export class CleanupLeader {
  private readonly election: ZkElection;
  private readonly sightings: ZkSightingsStore;
  private running: Promise<boolean> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  leading = false;

  constructor(
    private readonly context: LauncherContext,
    private readonly runtime: ProviderRuntime,
  ) {
    this.election = new ZkElection(context.client, cleanupElectionName(runtime.name), context.launcherId);
    this.sightings = new ZkSightingsStore(context.client, runtime.name, context.clock);
  }

  /**
   * Contends until stopped: after leadership ends (session lost) or the election fails, this
   * launcher contends again, once connected, so cleanup never stops for good.
   */
  start(): void {
    this.running = this.contendUntilStopped();
  }

  private async contendUntilStopped(): Promise<boolean> {
    const log = this.context.logger.child({ provider: this.runtime.name });
    let led = false;
    while (!this.stopped) {
      try {
        led = (await this.election.run((signal) => this.lead(signal))) || led;
      } catch (error) {
        if (this.stopped) break;
        log.error({ err: error }, 'leak cleanup election failed; contending again');
      }
      if (this.stopped) break;
      await this.pause(Math.min(1000, this.context.timings.poolIntervalMs * 5));
      await this.context.client.waitForConnection().catch(() => undefined);
      if (this.context.client.connectionState === 'closed') break;
    }
    return led;
  }

  /** Waits `ms`, or less when stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.election.cancel();
    this.wake?.();
    await this.running;
  }

  /**
   * Waits one cleanup interval; returns at once when stopped or when leadership is lost (also
   * if that happened during the pass), and leaves no listener behind.
   */
  private sleepUnlessStopped(signal: AbortSignal): Promise<void> {
    if (this.stopped || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.context.config().cloudpool.cleanup.interval * 1000);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private async lead(signal: AbortSignal): Promise<void> {
    this.leading = true;
    const log = this.context.logger.child({ provider: this.runtime.name });
    log.info('leading leak cleanup for this provider');
    try {
      while (!this.stopped && !signal.aborted) {
        const report = await this.runtime.provider.cleanupLeakedResources({ sightings: this.sightings }).catch((error: unknown) => {
          log.error({ err: error }, 'leak cleanup pass failed');
          return undefined;
        });
        if (report) this.context.events.emit('cleanupPass', report);
        if (report && (report.deleted.length > 0 || passProblems(report).length > 0)) {
          log.info({ deleted: report.deleted.length, failed: report.failed.length }, 'leak cleanup pass done');
        }
        await this.sleepUnlessStopped(signal);
      }
    } finally {
      this.leading = false;
    }
  }
}
