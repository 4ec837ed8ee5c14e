import type { LockedNode, NodeRecord, NodeRequestRecord, PoolConfig } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';

/** A ready node taken for a request: locked, and `allocated_to` the request. */
export interface ReservedNode {
  index: number;
  locked: LockedNode;
}

function reusable(node: NodeRecord, providerName: string, pool: PoolConfig, label: string): boolean {
  return node.state === 'ready' && node.allocated_to === null && node.provider === providerName && node.pool === pool.name && node.type.includes(label);
}

/**
 * Takes ready, unallocated nodes of this pool for the request's labels (oldest first), when the
 * request allows reuse. Each is locked without blocking (a node locked by someone else is
 * skipped), re-read, and allocated. Returns what it took; the caller owns the locks.
 */
export async function reserveReadyNodes(
  context: LauncherContext,
  providerName: string,
  pool: PoolConfig,
  request: NodeRequestRecord,
): Promise<ReservedNode[]> {
  if (request.reuse === false) return [];
  const taken = new Set<string>();
  const reserved: ReservedNode[] = [];
  for (const [index, label] of request.node_types.entries()) {
    const candidates = context.nodes
      .values()
      .filter((n) => !taken.has(n.id) && reusable(n, providerName, pool, label))
      .sort((a, b) => a.state_time - b.state_time);
    for (const candidate of candidates) {
      const locked = await context.zk.lockNode(candidate.id, { blocking: false }).catch(() => undefined);
      if (!locked) continue;
      if (!reusable(locked.node, providerName, pool, label)) {
        await locked.lock.release();
        continue;
      }
      locked.node.allocated_to = request.id;
      locked.node = await context.zk.updateNode(locked.node);
      taken.add(candidate.id);
      reserved.push({ index, locked });
      break;
    }
  }
  return reserved;
}

/** Gives reserved nodes back: unallocated and unlocked, ready for someone else. */
export async function releaseReservedNodes(context: LauncherContext, reserved: ReservedNode[]): Promise<void> {
  for (const { locked } of reserved) {
    try {
      const fresh = await context.zk.getNode(locked.node.id);
      if (fresh && fresh.allocated_to !== null) {
        fresh.allocated_to = null;
        await context.zk.updateNode(fresh);
      }
    } finally {
      await locked.lock.release();
    }
  }
}
