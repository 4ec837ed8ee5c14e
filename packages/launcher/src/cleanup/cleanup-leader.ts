import { ZkElection } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';

/**
 * Leak cleanup for one provider, run by exactly one launcher at a time: launchers contend in a
 * ZooKeeper election (`/nodepool/elections/cloudpool-cleanup-<provider>`); the leader runs a
 * pass every `cloudpool.cleanup.interval` seconds until it stops or loses its session, and the
 * next contender takes over.
 */
export class CleanupLeader {
  private readonly election: ZkElection;
  private running: Promise<boolean> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  leading = false;

  constructor(
    private readonly context: LauncherContext,
    private readonly runtime: ProviderRuntime,
  ) {
    this.election = new ZkElection(context.client, `cloudpool-cleanup-${runtime.name}`, context.launcherId);
  }

  start(): void {
    this.running = this.election.run((signal) => this.lead(signal)).catch((error: unknown) => {
      this.context.logger.error({ provider: this.runtime.name, err: error }, 'leak cleanup election failed');
      return false;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.election.cancel();
    this.wake?.();
    await this.running;
  }

  private async lead(signal: AbortSignal): Promise<void> {
    this.leading = true;
    const log = this.context.logger.child({ provider: this.runtime.name });
    log.info('leading leak cleanup for this provider');
    try {
      while (!this.stopped && !signal.aborted) {
        const report = await this.runtime.provider.cleanupLeakedResources().catch((error: unknown) => {
          log.error({ err: error }, 'leak cleanup pass failed');
          return undefined;
        });
        if (report) this.context.events.emit('cleanupPass', report);
        if (report && (report.deleted.length > 0 || report.failed.length > 0 || report.breakerTrip || report.aborted)) {
          log.info({ deleted: report.deleted.length, failed: report.failed.length }, 'leak cleanup pass done');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.context.config().cloudpool.cleanup.interval * 1000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
          signal.addEventListener('abort', this.wake, { once: true });
        });
      }
    } finally {
      this.leading = false;
    }
  }
}
