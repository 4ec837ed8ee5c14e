import { isZkError } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { MIN_READY_REQUESTOR } from '../pool/pool-worker.js';
import { NodeTask } from '../tasks/node-task.js';

/**
 * The launcher's periodic housekeeping, as Nodepool's cleanup worker does it:
 * - lost requests: `pending` with nobody holding the lock go back to `requested`;
 * - stale request locks: lock znodes of requests that no longer exist are removed;
 * - deallocation: ready nodes allocated to a request that no longer exists are freed;
 * - min-ready: our finished min-ready requests are removed (freeing their nodes), and
 *   labels short of `min-ready` get a request at priority 900.
 * Every step takes locks without blocking and re-reads before writing, so launchers can run it
 * concurrently.
 */
export class Maintenance {
  private readonly minReadyRequests = new Set<string>();

  constructor(
    private readonly context: LauncherContext,
    private readonly servedLabels: () => ReadonlySet<string>,
    private readonly activeRequests: () => ReadonlySet<string>,
  ) {}

  async runOnce(): Promise<void> {
    for (const step of [() => this.resetLostRequests(), () => this.removeStaleRequestLocks(), () => this.deallocateNodes(), () => this.keepMinReady()]) {
      try {
        await step();
      } catch (error) {
        this.context.logger.warn({ err: error }, 'maintenance step failed; will retry');
      }
    }
  }

  private async resetLostRequests(): Promise<void> {
    const active = this.activeRequests();
    for (const request of this.context.requests.values()) {
      if (request.state !== 'pending' || active.has(request.id)) continue;
      const lock = await this.context.zk.lockRequest(request.id, { blocking: false });
      if (!lock) continue;
      try {
        const fresh = await this.context.zk.getRequest(request.id);
        if (fresh?.state === 'pending') {
          fresh.state = 'requested';
          await this.context.zk.updateRequest(fresh);
          this.context.logger.info({ request: request.id }, 'reset lost request to requested');
        }
      } finally {
        await lock.release();
      }
    }
  }

  private async removeStaleRequestLocks(): Promise<void> {
    for (const id of await this.context.zk.listRequestLockIds()) {
      if (this.context.requests.get(id) || (await this.context.zk.getRequest(id))) continue;
      try {
        if (await this.context.zk.deleteRequestLock(id)) this.context.logger.info({ request: id }, 'removed stale request lock');
      } catch (error) {
        if (!isZkError(error, 'NotEmpty')) throw error;
      }
    }
  }

  private async deallocateNodes(): Promise<void> {
    for (const node of this.context.nodes.values()) {
      if (node.state !== 'ready' || node.allocated_to === null) continue;
      if (this.context.requests.get(node.allocated_to) || (await this.context.zk.getRequest(node.allocated_to))) continue;
      const task = await NodeTask.acquire(this.context, node.id, { purpose: 'deallocate', blocking: false }).catch(() => undefined);
      await task?.run(async () => {
        const request = task.node.allocated_to;
        if (task.node.state === 'ready' && request !== null && !(await this.context.zk.getRequest(request))) {
          await task.update((fresh) => void (fresh.allocated_to = null));
          this.context.logger.info({ node: node.id, request }, 'deallocated ready node of a vanished request');
        }
      });
    }
  }

  /** A ready node is spare when unallocated, or allocated to a min-ready request or to one that is gone. */
  private spare(allocatedTo: string | null): boolean {
    if (allocatedTo === null) return true;
    const request = this.context.requests.get(allocatedTo);
    return !request || request.requestor === MIN_READY_REQUESTOR;
  }

  private async keepMinReady(): Promise<void> {
    for (const id of [...this.minReadyRequests]) {
      const request = this.context.requests.get(id) ?? (await this.context.zk.getRequest(id));
      if (!request) this.minReadyRequests.delete(id);
      else if (request.state === 'fulfilled' || request.state === 'failed') {
        await this.context.zk.deleteRequest(id);
        this.minReadyRequests.delete(id);
      }
    }
    const served = this.servedLabels();
    const requests = this.context.requests.values();
    for (const label of this.context.config().labels.values()) {
      if (label.minReady <= 0 || !served.has(label.name)) continue;
      const ready = this.context.nodes.values().filter((n) => n.state === 'ready' && n.type.includes(label.name) && this.spare(n.allocated_to)).length;
      const outstanding = requests.filter(
        (r) => r.requestor === MIN_READY_REQUESTOR && r.node_types.includes(label.name) && (r.state === 'requested' || r.state === 'pending'),
      ).length;
      for (let missing = label.minReady - ready - outstanding; missing > 0; missing--) {
        const id = await this.context.zk.submitRequest({ node_types: [label.name], requestor: MIN_READY_REQUESTOR, reuse: false }, '900');
        this.minReadyRequests.add(id);
        this.context.logger.info({ request: id, label: label.name }, 'submitted min-ready request');
      }
    }
  }
}
