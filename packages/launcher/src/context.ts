import type { CleanupReport, Clock, ImageUploadCache, NodepoolConfig, NodepoolZk, NodeRecord, NodeRequestRecord, PoolComponentRecord, ZkClient, ZkRecordCache } from '@cloudpool/common';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { NodeNotification } from './notifications/node-notification.js';
import type { NodeStateFeed } from './notifications/node-state-feed.js';

/** Intervals of the launcher's loops, in ms; tests shorten them instead of sleeping. */
export interface LauncherTimings {
  /** Pool workers look at requests and collect finished launches. */
  poolIntervalMs: number;
  /** The deleter looks for nodes to delete. */
  deleteIntervalMs: number;
  /** Lost requests, stale locks, deallocation, min-ready. */
  maintenanceIntervalMs: number;
  /** Provider loops advance state machines. */
  providerLoopMs: number;
  /**
   * While stopping: how long ZooKeeper may stay unreachable before the launcher gives up on it
   * (leaving unfinished records to other launchers' recovery) and exits.
   */
  zooKeeperShutdownGraceMs: number;
}

export const DEFAULT_TIMINGS: LauncherTimings = {
  poolIntervalMs: 1000,
  deleteIntervalMs: 2000,
  maintenanceIntervalMs: 30_000,
  providerLoopMs: 250,
  zooKeeperShutdownGraceMs: 15_000,
};

/**
 * What happens in a launcher, for metrics, the dashboard and logs to follow without reaching
 * into its parts. Listeners must not throw.
 */
export interface LauncherEvents {
  /** A node launch ended. */
  launch: [{ provider: string; pool: string; label: string; node: string; result: 'ready' | 'failed' | 'aborted'; durationMs: number; reason?: string }];
  /** This launcher finished handling a request in a pool. */
  request: [{ request: string; provider: string; pool: string; outcome: 'fulfilled' | 'declined' | 'requeued' | 'lost'; reason?: string }];
  /** A node's cloud resources and record were deleted. */
  nodeDeleted: [{ node: string; provider: string }];
  /** A leak-cleanup pass ended (only the elected cleaner of a provider runs them). */
  cleanupPass: [CleanupReport];
  /** A node changed state, or an error event happened to it (notifications/node-state-feed.ts is the only emitter). */
  nodeState: [NodeNotification];
}

/** What every part of a launcher shares. */
export interface LauncherContext {
  zk: NodepoolZk;
  client: ZkClient;
  nodes: ZkRecordCache<NodeRecord>;
  requests: ZkRecordCache<NodeRequestRecord>;
  /** nodepool-builder's uploads, followed by watches: what a diskimage label boots. */
  images: ImageUploadCache;
  /** Every launcher's pool registrations, for request routing. */
  pools: ZkRecordCache<PoolComponentRecord>;
  logger: Logger;
  clock: Clock;
  /** Written as the `launcher` of the nodes this process creates. */
  launcherId: string;
  hostname: string;
  systemId: string;
  timings: LauncherTimings;
  /** The configuration in force (replaced on reload). */
  config(): NodepoolConfig;
  events: EventEmitter<LauncherEvents>;
  /** Where node notifications come from; node tasks report their error events to it (`failed`). */
  nodeStates: NodeStateFeed;
}

/** Epoch seconds, as Nodepool writes times. */
export function epochSeconds(clock: Clock): number {
  return clock.now() / 1000;
}
