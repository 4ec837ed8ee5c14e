import type { NodeState } from '@cloudpool/common';
import type { NodeEvent, NotificationStatus } from './node-state-rule.js';

/**
 * One node state change, as every sink carries it (the log, `/events`, the webhook). Field
 * names are snake_case like Nodepool's records and web API. The format is documented in the
 * README ("Node notifications").
 */
export interface NodeNotification {
  /** `<stream>-<sequence>`: the stream is this launcher process (its start time), the sequence counts from 1. The SSE id. */
  id: string;
  /** Ironic's rule over the two states' stability and the event (node-state-rule.ts). */
  status: NotificationStatus;
  event: NodeEvent;
  node_id: string;
  provider: string | null;
  pool: string | null;
  /** The node's label (the first of its `type`). */
  label: string | null;
  /** null for a node this change created. Equal to `state` for an error event that left the state as it was. */
  previous_state: NodeState | null;
  state: NodeState;
  /** The request the node is allocated to (`allocated_to`), if any. */
  request_id: string | null;
  /** When this launcher saw the change, ISO 8601 by its clock. */
  timestamp: string;
  /** The node's `state_time` after the change (epoch seconds, as Nodepool writes it). */
  state_time: number;
  /** Why a launch or delete failed; null otherwise. */
  error: string | null;
  /** `launcher`: written by this launcher; `zookeeper`: another client's change (Zuul, the CLI) seen in ZooKeeper. */
  source: 'launcher' | 'zookeeper';
  /** The launcher that sent this notification. */
  launcher: string;
}
