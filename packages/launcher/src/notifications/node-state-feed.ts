import type { EventEmitter } from 'node:events';
import type { Clock, NodeFields, NodeRecord, NodeState, NodeStateWritten, ZkRecordCache } from '@cloudpool/common';
import type { LauncherEvents } from '../context.js';
import type { NodeNotification } from './node-notification.js';
import { eventOfTransition, notificationStatus, type NodeEvent } from './node-state-rule.js';

type NodeView = Readonly<NodeFields> & { readonly id: string };

export interface NodeStateFeedOptions {
  events: EventEmitter<LauncherEvents>;
  clock: Clock;
  launcherId: string;
}

/**
 * The one place node notifications come from: every `nodeState` event on the launcher's bus
 * is made here, from three inputs.
 * - `written`: a state this launcher wrote, once ZooKeeper confirmed it (the `onNodeState`
 *   observer of its `NodepoolZk`), so no change of ours is missed or reported unwritten.
 * - The node cache: changes other clients made (Zuul's `in-use` and `used`, the CLI's `hold`
 *   and `delete`) to nodes of the providers this launcher runs; versions we wrote are skipped.
 * - `failed`: an error event that left the state as it was (a delete that failed), from the
 *   error hook of a node task.
 * Failed and aborted launches carry the reason of the launcher's `launch` event.
 */
export class NodeStateFeed {
  private readonly stream: string;
  private sequence = 0;
  /** The last znode version this launcher wrote, by node: the cache's echo of it is not reported again. */
  private readonly ownVersions = new Map<string, number>();
  /** The state last reported, by node (kept until the cache sees the record removed). */
  private readonly lastState = new Map<string, NodeState>();
  /** Why a launch failed, by node, until its `failed`/`aborted` state is reported. */
  private readonly launchErrors = new Map<string, string>();
  private detach: () => void = () => undefined;

  constructor(private readonly options: NodeStateFeedOptions) {
    this.stream = String(options.clock.now());
    const onLaunch = (launch: LauncherEvents['launch'][0]) => {
      if (launch.result !== 'ready' && launch.reason !== undefined) this.launchErrors.set(launch.node, launch.reason);
    };
    options.events.on('launch', onLaunch);
    this.detach = () => options.events.off('launch', onLaunch);
  }

  /** The `NodepoolZk` observer: a state this launcher wrote. */
  readonly written = (write: NodeStateWritten): void => {
    const { node } = write;
    this.ownVersions.set(node.id, Math.max(write.version, this.ownVersions.get(node.id) ?? -1));
    const event = eventOfTransition(write.previous, node.state);
    this.emit(node, write.previous, event, this.launchError(node), 'launcher');
  };

  /** An error event on a node whose state it left as it was (e.g. `delete-fail`), with its error. */
  failed(node: NodeView, event: NodeEvent, error: unknown): void {
    this.emit(node, node.state, event, error instanceof Error ? error.message : String(error), 'launcher');
  }

  /**
   * Follows other clients' changes to the nodes of providers `runsProvider` accepts, until
   * `stop()`. Call after the cache's initial load (the nodes it holds then are not reported).
   */
  follow(nodes: ZkRecordCache<NodeRecord>, runsProvider: (provider: string) => boolean): void {
    const ours = (node: NodeRecord) => node.provider !== null && runsProvider(node.provider);
    const echo = (node: NodeRecord) => (this.ownVersions.get(node.id) ?? -1) >= node.stat.version;
    const onAdded = (node: NodeRecord) => {
      if (ours(node) && !echo(node) && !this.lastState.has(node.id)) this.emit(node, undefined, eventOfTransition(undefined, node.state), null, 'zookeeper');
    };
    const onUpdated = (node: NodeRecord, before: NodeRecord) => {
      const previous = this.lastState.get(node.id) ?? before.state;
      if (!ours(node) || echo(node) || previous === node.state) return;
      this.emit(node, previous, eventOfTransition(previous, node.state), this.launchError(node), 'zookeeper');
    };
    const onRemoved = (node: NodeRecord) => {
      const previous = this.lastState.get(node.id) ?? node.state;
      if (ours(node) && previous !== 'deleted') {
        this.emit({ ...node, state: 'deleted' }, previous, eventOfTransition(previous, 'deleted'), null, 'zookeeper');
      }
      this.forget(node.id);
    };
    nodes.on('added', onAdded);
    nodes.on('updated', onUpdated);
    nodes.on('removed', onRemoved);
    const detachLaunch = this.detach;
    this.detach = () => {
      detachLaunch();
      nodes.off('added', onAdded);
      nodes.off('updated', onUpdated);
      nodes.off('removed', onRemoved);
    };
  }

  stop(): void {
    this.detach();
  }

  private launchError(node: NodeView): string | null {
    if (node.state !== 'failed' && node.state !== 'aborted') return null;
    const reason = this.launchErrors.get(node.id) ?? null;
    this.launchErrors.delete(node.id);
    return reason;
  }

  private forget(id: string): void {
    this.ownVersions.delete(id);
    this.lastState.delete(id);
    this.launchErrors.delete(id);
  }

  private emit(node: NodeView, previous: NodeState | undefined, event: NodeEvent, error: string | null, source: NodeNotification['source']): void {
    this.lastState.set(node.id, node.state);
    this.sequence += 1;
    this.options.events.emit('nodeState', {
      id: `${this.stream}-${this.sequence}`,
      status: notificationStatus(previous, node.state, event),
      event,
      node_id: node.id,
      provider: node.provider,
      pool: node.pool,
      label: node.type[0] ?? null,
      previous_state: previous ?? null,
      state: node.state,
      request_id: node.allocated_to,
      timestamp: new Date(this.options.clock.now()).toISOString(),
      state_time: node.state_time,
      error,
      source,
      launcher: this.options.launcherId,
    });
  }
}
