import type { NodeRecord } from '@cloudpool/common';
import { epochSeconds, type LauncherContext } from '../context.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { deletionReason } from './deletion-rules.js';

/**
 * Deletes the nodes that need it (see deletion-rules.ts) for the providers this launcher runs.
 * Per node: take its lock without blocking (a node in use is locked by its user and skipped),
 * re-read and re-check it, mark it `deleting`, delete its cloud resources through the
 * provider (NotFound counts as done), then remove the record and notify the provider. A
 * failed delete leaves the node `deleting` and is retried on a later pass. Two launchers never
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
      if (!deletionReason(node, config, now)) continue;
      this.inProgress.add(node.id);
      void this.delete(node.id).finally(() => this.inProgress.delete(node.id));
    }
  }

  /** Resolves when every delete started so far has ended. */
  async settle(): Promise<void> {
    while (this.inProgress.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async delete(id: string): Promise<void> {
    const log = this.context.logger.child({ node: id });
    const locked = await this.context.zk.lockNode(id, { blocking: false }).catch(() => undefined);
    if (!locked) return;
    let node: NodeRecord = locked.node;
    try {
      const reason = deletionReason(node, this.context.config(), epochSeconds(this.context.clock));
      const runtime = node.provider ? this.runtimes().get(node.provider) : undefined;
      if (!reason || !runtime) return;
      if (node.state !== 'deleting') {
        node.state = 'deleting';
        node = await this.context.zk.updateNode(node);
      }
      log.info({ provider: runtime.name }, `deleting node (${reason})`);
      const externalId = typeof node.external_id === 'string' ? node.external_id : undefined;
      if (externalId) await runtime.provider.cleanupNode(externalId);
      await this.context.zk.deleteNode(id);
      runtime.provider.nodeDeletedNotification({ id, externalId });
      this.context.events.emit('nodeDeleted', { node: id, provider: runtime.name });
      log.info('node deleted');
    } catch (error) {
      log.warn({ err: error }, 'node delete failed; will retry');
    } finally {
      await locked.lock.release().catch(() => undefined);
    }
  }
}
