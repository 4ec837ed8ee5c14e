import type { EventEmitter } from 'node:events';
import type { Clock, NodepoolConfig, NodeRecord, TimerClock, ZkRecordCache } from '@cloudpool/common';
import type { Logger } from 'pino';
import type { LauncherEvents } from '../context.js';
import { logNotifications } from './log-sink.js';
import { NotificationBuffer } from './notification-buffer.js';
import { NodeStateFeed } from './node-state-feed.js';
import { WebhookSink, type WebhookSettings } from './webhook-sink.js';

export interface LauncherNotificationsOptions {
  events: EventEmitter<LauncherEvents>;
  /** Times the notifications. */
  clock: Clock;
  /** Times the webhook's retries and send timeouts. */
  timers: TimerClock;
  logger: Logger;
  launcherId: string;
  /** The configuration in force (its `cloudpool.notifications.webhook` is read at each send). */
  config: () => NodepoolConfig;
  /** How many notifications `/events` replays at most. */
  replayWindow?: number;
  webhook?: Partial<WebhookSettings>;
}

/**
 * A launcher's node notifications: the feed that makes them (node-state-feed.ts) and the sinks
 * it feeds: the log, the replay window of `/events`, the webhook.
 */
export class LauncherNotifications {
  readonly feed: NodeStateFeed;
  readonly buffer: NotificationBuffer;
  readonly webhook: WebhookSink;
  private readonly stopLog: () => void;

  constructor(options: LauncherNotificationsOptions) {
    const { events, clock, timers, logger } = options;
    this.feed = new NodeStateFeed({ events, clock, launcherId: options.launcherId });
    this.stopLog = logNotifications(events, logger);
    this.buffer = new NotificationBuffer(events, options.replayWindow);
    this.webhook = new WebhookSink(events, () => options.config().cloudpool.notifications.webhook, timers, logger, options.webhook);
  }

  /** Starts reporting other clients' changes to the nodes of the providers `runsProvider` accepts. */
  follow(nodes: ZkRecordCache<NodeRecord>, runsProvider: (provider: string) => boolean): void {
    this.feed.follow(nodes, runsProvider);
  }

  close(): void {
    this.feed.stop();
    this.stopLog();
    this.buffer.close();
    this.webhook.close();
  }
}
