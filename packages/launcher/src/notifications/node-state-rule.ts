import type { NodeState } from '@cloudpool/common';

/**
 * Which node states are unstable: states a launcher moves a node through while it works on it,
 * as Ironic calls its `deploying`/`deleting`/`cleaning` states (the node is "in transition" and
 * a launcher holds its lock). Every other state is stable: the node rests there until someone
 * acts (Ironic's `available`, `active`, `deploy failed`, `manageable`).
 *
 * - `init`: created, not yet locked; a launcher is about to build it (an `init` node whose
 *   launcher died is deleted).
 * - `building`: a launcher holds the lock and the cloud is creating the instance.
 * - `deleting`: a launcher is deleting its cloud resources (or will, on its next pass).
 *
 * Stable: `ready` (waits for a request), `in-use` (its user holds the lock; no launcher work,
 * like Ironic's `active`), `used` (waits for the deleter), `hold` (kept by an operator),
 * `failed` and `aborted` (wait for the deleter; Ironic's `deploy failed` is stable too),
 * `deleted` (final: the record goes right after).
 *
 * This table is the only place that says so.
 */
export const UNSTABLE_STATES: Readonly<Record<NodeState, boolean>> = {
  init: true,
  building: true,
  ready: false,
  'in-use': false,
  used: false,
  deleting: true,
  deleted: false,
  hold: false,
  failed: false,
  aborted: false,
};

/**
 * What made a node change (Ironic's provision-state events). `fail` and `delete-fail` are the
 * error events; `abort` (a cloud quota error, retried later without counting as a failure,
 * see the compatibility spec) is not one.
 */
export const NODE_EVENTS = ['create', 'launch', 'done', 'fail', 'abort', 'use', 'release', 'hold', 'delete', 'delete-fail', 'change'] as const;
export type NodeEvent = (typeof NODE_EVENTS)[number];

const ERROR_EVENTS: ReadonlySet<NodeEvent> = new Set(['fail', 'delete-fail']);

/** Ironic's notification statuses. */
export type NotificationStatus = 'start' | 'end' | 'error' | 'success';

/** Whether an event is an error or failure event. */
export function isErrorEvent(event: NodeEvent): boolean {
  return ERROR_EVENTS.has(event);
}

/**
 * Ironic's rule: an error or failure event is ERROR; otherwise entering an unstable state from a
 * stable one is START, entering a stable state from an unstable one END, anything else
 * SUCCESS. `previous` undefined (a record that did not exist) counts as stable: creating a node
 * starts its launch.
 */
export function notificationStatus(previous: NodeState | undefined, next: NodeState, event: NodeEvent): NotificationStatus {
  if (isErrorEvent(event)) return 'error';
  const wasUnstable = previous !== undefined && UNSTABLE_STATES[previous];
  const isUnstable = UNSTABLE_STATES[next];
  if (!wasUnstable && isUnstable) return 'start';
  if (wasUnstable && !isUnstable) return 'end';
  return 'success';
}

/**
 * The event a state change stands for when nobody said (a change read from ZooKeeper, made by
 * Zuul or a CLI): named after what the new state means, `done` for finishing a launch or a
 * delete, `change` for a move that has no name (such as `hold` back to `ready` by hand).
 */
export function eventOfTransition(previous: NodeState | undefined, next: NodeState): NodeEvent {
  switch (next) {
    case 'init':
      return 'create';
    case 'building':
      return 'launch';
    case 'ready':
      return previous === 'building' ? 'done' : 'change';
    case 'failed':
      return 'fail';
    case 'aborted':
      return 'abort';
    case 'in-use':
      return 'use';
    case 'used':
      return 'release';
    case 'hold':
      return 'hold';
    case 'deleting':
      return 'delete';
    case 'deleted':
      return previous === 'deleting' ? 'done' : 'delete';
  }
}
