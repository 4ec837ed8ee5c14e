import type { NodepoolConfig, NodeRecord } from '@cloudpool/common';

/** States whose nodes are deleted as soon as nobody holds their lock. */
const DELETE_WHEN_UNLOCKED = new Set(['used', 'failed', 'aborted', 'deleting', 'building', 'deleted']);

/**
 * Why a node should be deleted now (checked again after its lock is taken), or undefined:
 * - `used`, `failed`, `aborted`, `deleting`, and `building` without a lock holder (its launcher died);
 * - `hold` past its `hold_expiration` or the configured `max-hold-age`;
 * - `ready` and unallocated past its label's `max-ready-age`.
 * Times are epoch seconds.
 */
export function deletionReason(node: NodeRecord, config: NodepoolConfig, nowSeconds: number): string | undefined {
  if (DELETE_WHEN_UNLOCKED.has(node.state)) return `state ${node.state}`;
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
