import { summarizeCleanup, type CleanupReport, type CleanupSummary } from '@cloudpool/common';
import type { LauncherEvents } from '../context.js';
import type { Launcher } from '../launcher.js';

/** A launch that ended, as the dashboard lists it. */
export interface LaunchEntry {
  /** Epoch ms, when it ended. */
  at: number;
  provider: string;
  pool: string;
  label: string;
  node: string;
  result: 'ready' | 'failed' | 'aborted';
  durationMs: number;
  reason?: string;
}

/** How many launches, and separately failed or aborted launches, are kept. */
export const RECENT_LIMIT = 15;

/**
 * What the launcher did lately, from its events since the web server started: the last
 * launches, the last failed or aborted ones (kept apart, so a burst of good launches does not
 * push them out of sight), and the last leak-cleanup pass of each provider.
 */
export class RecentActivity {
  private readonly launchList: LaunchEntry[] = [];
  private readonly failureList: LaunchEntry[] = [];
  private readonly cleanup = new Map<string, CleanupSummary>();
  private readonly detach: () => void;

  constructor(launcher: Pick<Launcher, 'context'>) {
    const { events, clock } = launcher.context;
    const onLaunch = (e: LauncherEvents['launch'][0]) => {
      const entry: LaunchEntry = { at: clock.now(), ...e };
      push(this.launchList, entry);
      if (e.result !== 'ready') push(this.failureList, entry);
    };
    const onCleanupPass = (report: CleanupReport) => this.cleanup.set(report.provider, summarizeCleanup(report));
    events.on('launch', onLaunch);
    events.on('cleanupPass', onCleanupPass);
    this.detach = () => {
      events.off('launch', onLaunch);
      events.off('cleanupPass', onCleanupPass);
    };
  }

  /** Newest first. */
  launches(): LaunchEntry[] {
    return [...this.launchList].reverse();
  }

  /** Failed and aborted launches, newest first. */
  failures(): LaunchEntry[] {
    return [...this.failureList].reverse();
  }

  /** The last pass of a provider's leak cleanup seen by this launcher, if any. */
  lastCleanup(provider: string): CleanupSummary | undefined {
    return this.cleanup.get(provider);
  }

  close(): void {
    this.detach();
  }
}

function push(list: LaunchEntry[], entry: LaunchEntry): void {
  list.push(entry);
  if (list.length > RECENT_LIMIT) list.shift();
}
