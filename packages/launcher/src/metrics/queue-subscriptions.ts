import type { ApiCallEvent, ApiQueue, ApiQueueStats } from '@cloudpool/common';
import type { Launcher } from '../launcher.js';

/** What to do with a queue's calls: each call that ends, and the calls that ended before the subscription. */
export interface QueueListener {
  call(event: ApiCallEvent): void;
  /** The queue's counters when it was subscribed to, taken in the same tick, so no call is counted twice or missed. */
  earlier(stats: ApiQueueStats): void;
}

/**
 * Listens to the API queue of every provider runtime of a launcher. Runtimes are replaced on
 * config reload, so `sync()` subscribes to queues it has not seen (call it before each scrape
 * and on a short timer) and lets go of queues that have stopped.
 */
export class QueueSubscriptions {
  private readonly subscribed = new Map<ApiQueue, () => void>();

  constructor(
    private readonly launcher: Pick<Launcher, 'runtimes'>,
    private readonly listener: QueueListener,
  ) {}

  sync(): void {
    for (const [queue, unsubscribe] of this.subscribed) {
      if (queue.stats().stopped) {
        unsubscribe();
        this.subscribed.delete(queue);
      }
    }
    for (const { queue } of this.launcher.runtimes().values()) {
      if (this.subscribed.has(queue)) continue;
      const stats = queue.stats();
      if (stats.stopped) continue;
      this.listener.earlier(stats);
      this.subscribed.set(queue, queue.onCall((event) => this.listener.call(event)));
    }
  }

  close(): void {
    for (const unsubscribe of this.subscribed.values()) unsubscribe();
    this.subscribed.clear();
  }
}
