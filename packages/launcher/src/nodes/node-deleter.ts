import type { NodeRecord } from '@cloudpool/common';
import type { Logger } from 'pino';
import { epochSeconds, type LauncherContext } from '../context.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { NodeTask } from '../tasks/node-task.js';
import { deletionReason, type AllocatedRequest } from './deletion-rules.js';

/** States whose nodes are deleted only once their holder is gone, which is rarely the case. */
const LIKELY_LOCKED = new Set(['building', 'in-use']);

/**
 * Deletes the nodes that need it (see deletion-rules.ts) for the providers this launcher runs.
 * Per node, in a `delete` node task: take its lock without blocking (a node in use is locked by its user and skipped),
 * re-read and re-check it, mark it `deleting`, delete its cloud resources through the
 * provider (NotFound counts as done), then remove the record and notify the provider. A node
 * without external id (its launcher died before the cloud answered, or before writing it) is
 * looked up by its node tag in the provider's listing, and that instance deleted; a failed
 * listing leaves the node for a later pass. A
 * failed delete leaves the node `deleting` (an ERROR `delete-fail` notification) and is retried on a later pass. Two launchers never
 * delete one node twice: the lock decides.
 */
export class NodeDeleter {
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly context: LauncherContext,
    private readonly runtimes: () => ReadonlyMap<string, ProviderRuntime>,
  ) {}

  /** Node ids being deleted by this launcher now. */
  get deleting(): string[] {
    return [...this.inProgress];
  }

  /** Starts deleting every eligible node not already in progress; does not wait for the deletes. */
  runOnce(): void {
    const now = epochSeconds(this.context.clock);
    const config = this.context.config();
    for (const node of this.context.nodes.values()) {
      if (this.inProgress.has(node.id) || !node.provider || !this.runtimes().has(node.provider)) continue;
      if (!deletionReason(node, config, now, this.cachedRequest(node))) continue;
      this.inProgress.add(node.id);
      void this.delete(node.id).finally(() => this.inProgress.delete(node.id));
    }
  }

  /** Resolves when every delete started so far has ended. */
  async settle(): Promise<void> {
    while (this.inProgress.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** The request an `init` node is allocated to, from the cache (undefined for other nodes). */
  private cachedRequest(node: NodeRecord): AllocatedRequest {
    if (node.state !== 'init' || node.allocated_to === null) return undefined;
    return this.context.requests.get(node.allocated_to) ?? null;
  }

  /** The external id of the instance tagged with this node id, from the provider's listing (which throws rather than answer partially). */
  private async findExternalId(runtime: ProviderRuntime, nodeId: string): Promise<string | undefined> {
    const found = (await runtime.provider.listNodes()).find((instance) => instance.nodeId === nodeId && instance.state !== 'deleted');
    if (found) this.context.logger.info({ node: nodeId, externalId: found.externalId }, 'found the instance of a node without external id by its tag');
    return found?.externalId;
  }

  private async delete(id: string): Promise<void> {
    const log = this.context.logger.child({ node: id });
    if (this.context.nodes.get(id)?.state === 'deleted') {
      // A delete whose last step (removing the znode and its lock) failed: its cloud resources
      // are gone already, and the lock cannot be taken any more (`lockNode` refuses a deleted
      // node), so the removal is finished here; deleting twice is harmless.
      await this.context.zk.deleteNode(id).then(
        () => log.info('removed the record of a node deleted earlier'),
        (error: unknown) => log.warn({ err: error }, 'removing a deleted node record failed; will retry'),
      );
      return;
    }
    // A building or in-use node is usually locked by its launcher or its user, pass after pass:
    // looking costs one read, a lock attempt that fails two writes more.
    const cached = this.context.nodes.get(id);
    if (cached && LIKELY_LOCKED.has(cached.state) && (await this.context.zk.isNodeLocked(id).catch(() => true))) return;
    const task = await NodeTask.acquire(this.context, id, {
      purpose: 'delete',
      blocking: false,
      onError: (failed, error) => {
        log.warn({ err: error }, 'node delete failed; will retry');
        if (failed.node.state === 'deleting') this.context.nodeStates.failed(failed.node, 'delete-fail', error);
      },
    }).catch(() => undefined);
    if (!task) return;
    // The check and the `deleting` mark are the task; the cloud delete is spawned with the lock.
    await task
      .run(async () => {
        const { node } = task;
        const request = node.state === 'init' && node.allocated_to !== null ? ((await this.context.zk.getRequest(node.allocated_to)) ?? null) : undefined;
        const reason = deletionReason(node, this.context.config(), epochSeconds(this.context.clock), request);
        const runtime = node.provider ? this.runtimes().get(node.provider) : undefined;
        if (!reason || !runtime) return;
        const madeInstance = node.state !== 'init';
        if (node.state !== 'deleting') await task.update((n) => void (n.state = 'deleting'));
        log.info({ provider: runtime.name }, `deleting node (${reason})`);
        task.spawn(() => this.deleteResources(task.node, runtime, madeInstance, log));
      })
      .catch(() => undefined);
    await task.done();
  }

  /** Deletes a `deleting` node's cloud resources, then its record; its task holds the lock. */
  private async deleteResources(node: NodeRecord, runtime: ProviderRuntime, madeInstance: boolean, log: Logger): Promise<void> {
    const { id } = node;
    const externalId = typeof node.external_id === 'string' ? node.external_id : madeInstance ? await this.findExternalId(runtime, id) : undefined;
    if (externalId) await runtime.provider.cleanupNode(externalId);
    await this.context.zk.deleteNode(id);
    runtime.provider.nodeDeletedNotification({ id, externalId });
    this.context.events.emit('nodeDeleted', { node: id, provider: runtime.name });
    log.info('node deleted');
  }
}
