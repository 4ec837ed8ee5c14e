import type { NodepoolConfig, NodeRecord } from '@cloudpool/common';

/** States whose nodes are deleted as soon as nobody holds their lock (Nodepool's cleanup states). */
const DELETE_WHEN_UNLOCKED = new Set(['used', 'in-use', 'failed', 'aborted', 'deleting', 'building', 'deleted']);

/**
 * The request a node is allocated to, as the deleter read it: `null` when it does not exist,
 * undefined when not looked up.
 */
export type AllocatedRequest = { state: string } | null | undefined;

/**
 * Why a node should be deleted now (checked again after its lock is taken), or undefined:
 * - `used`, `failed`, `aborted`, `deleting`, `building` and `in-use` without a lock holder (the
 *   launcher or user holding it died: Nodepool deletes these too);
 * - `init` without a lock holder whose request is gone or no longer `pending` (its launcher
 *   died between making and locking it, or before launching; a live launcher keeps its request
 *   `pending` while it makes nodes);
 * - `hold` past its `hold_expiration` or the configured `max-hold-age`;
 * - `ready` and unallocated past its label's `max-ready-age`.
 * Times are epoch seconds.
 */
export function deletionReason(node: NodeRecord, config: NodepoolConfig, nowSeconds: number, request?: AllocatedRequest): string | undefined {
  if (DELETE_WHEN_UNLOCKED.has(node.state)) return `state ${node.state}`;
  if (node.state === 'init' && node.allocated_to !== null && request !== undefined && request?.state !== 'pending') {
    return `init node of request ${node.allocated_to}, which is ${request ? request.state : 'gone'}`;
  }
  const age = nowSeconds - node.state_time;
  if (node.state === 'hold') {
    const limits = [node.hold_expiration, config.maxHoldAge].filter((v): v is number => typeof v === 'number' && v > 0);
    const expiry = limits.length > 0 ? Math.min(...limits) : undefined;
    return expiry !== undefined && age > expiry ? `held longer than ${expiry}s` : undefined;
  }
  if (node.state === 'ready' && node.allocated_to === null) {
    const maxAge = Math.min(...node.type.map((label) => config.labels.get(label)?.maxReadyAge || Infinity));
    return Number.isFinite(maxAge) && age > maxAge ? `ready longer than max-ready-age ${maxAge}s` : undefined;
  }
  return undefined;
}
