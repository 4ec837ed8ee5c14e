import { TAG } from '@cloudpool/common';
import type { CloudUnderTest } from './cloud-under-test.js';

/**
 * Watches a cloud's instances while a test runs (one listing every `intervalMs`): for each node
 * id, the most instances seen alive at once with it.
 */
export class InstanceWatch {
  /** The most instances alive at once per node id. */
  readonly mostAlive = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly cloud: CloudUnderTest,
    private readonly intervalMs = 25,
  ) {
    this.loop = this.watch();
  }

  /** Stops watching after one last look. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.look();
  }

  private async watch(): Promise<void> {
    while (this.running) {
      await this.look();
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  private async look(): Promise<void> {
    const alive = new Map<string, number>();
    for (const instance of await this.cloud.instances()) {
      const nodeId = instance.tags[TAG.nodeId];
      if (nodeId === undefined) continue;
      alive.set(nodeId, (alive.get(nodeId) ?? 0) + 1);
    }
    for (const [nodeId, count] of alive) this.mostAlive.set(nodeId, Math.max(count, this.mostAlive.get(nodeId) ?? 0));
  }
}
