import type { EventEmitter } from 'node:events';
import type { LauncherEvents } from '../context.js';
import type { NodeNotification } from './node-notification.js';

/** How many notifications `/events` can replay by default. */
export const DEFAULT_REPLAY_WINDOW = 1000;

/**
 * The replay window of `/events`: the last `capacity` notifications of this launcher, oldest
 * first, and the listeners that follow new ones. Bounded: the oldest drops out when full.
 */
export class NotificationBuffer {
  private readonly entries: NodeNotification[] = [];
  private readonly listeners = new Set<(notification: NodeNotification) => void>();
  private readonly detach: () => void;

  constructor(
    events: EventEmitter<LauncherEvents>,
    readonly capacity = DEFAULT_REPLAY_WINDOW,
  ) {
    const onNotification = (notification: NodeNotification) => {
      this.entries.push(notification);
      if (this.entries.length > capacity) this.entries.shift();
      for (const listener of this.listeners) listener(notification);
    };
    events.on('nodeState', onNotification);
    this.detach = () => events.off('nodeState', onNotification);
  }

  /**
   * What a client that last saw `lastId` missed: the notifications after it when it is in the
   * window; every buffered one when it is not (older than the window, or of an earlier launcher
   * process); none when `lastId` is undefined (a new client starts live).
   */
  since(lastId: string | undefined): NodeNotification[] {
    if (lastId === undefined) return [];
    const at = this.entries.findIndex((entry) => entry.id === lastId);
    return at === -1 ? [...this.entries] : this.entries.slice(at + 1);
  }

  /** Calls `listener` with every new notification until the returned function is called. */
  subscribe(listener: (notification: NodeNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many listeners follow it now. */
  subscribers(): number {
    return this.listeners.size;
  }

  close(): void {
    this.detach();
    this.listeners.clear();
  }
}
