import type { Command } from 'commander';
import type { Driver, NodepoolZk, NodeRecord, ProviderConfig } from '@cloudpool/common';
import { readInstallationId } from '../../installation-id.js';
import { CliError } from '../cli-error.js';
import { loadConfigFile, type LoadedConfig } from '../config-file.js';
import type { CliIo } from '../io.js';
import { commandLogger } from '../logging.js';
import { existingNodeTask } from '../node-lock.js';
import { nodeRows, nodeTable } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withProvider } from '../provider-session.js';
import { withZooKeeper } from '../zookeeper.js';

/** How long `delete` waits for the node lock, as Nodepool's CLI does. */
const LOCK_TIMEOUT_MS = 5000;

/**
 * `delete <id> [--now]`, as Nodepool's: in a node task (under the node lock), mark the node `deleting` for a
 * launcher to delete; with `--now`, delete its cloud resources through its provider and then
 * its record, here and now.
 */
export function registerDelete(program: Command, io: CliIo): void {
  withCommonOptions(program.command('delete'))
    .description('mark a node for deletion (a launcher of its provider deletes it)')
    .argument('<id>', 'node id, e.g. 0000000042')
    .option('--now', 'delete the cloud resources and the record now, through the provider in the configuration')
    .action(async (id: string, options: { now?: boolean }, command: Command) => {
      const loaded = await loadConfigFile(configPath(command), io);
      await withZooKeeper(loaded.config, async (zk) => {
        // Before anything changes: an installation with no stored id is not one to delete in.
        const systemId = options.now ? await readInstallationId(zk, loaded.config, `delete node ${id}'s cloud resources here`) : undefined;
        const task = await existingNodeTask({ zk, logger: commandLogger(io) }, id, { purpose: 'delete', blocking: true, timeoutMs: LOCK_TIMEOUT_MS });
        const marked = await task.run(async () => {
          const provider = options.now ? providerOf(task.node, loaded) : undefined;
          const node = await task.update((fresh) => void (fresh.state = 'deleting'));
          if (provider && systemId !== undefined) await deleteNow(node, provider, { zk, systemId }, loaded, io);
          return node;
        });
        if (options.now) {
          printResult(io, wantsJson(command), { id, state: 'deleted' }, () => `Node ${id} deleted: its cloud resources and its record are gone\n`);
          return;
        }
        const rows = await nodeRows(zk, [marked], io.clock.now());
        printResult(io, wantsJson(command), rows[0], () => nodeTable(rows));
      });
    });
}

/** The node's provider and its driver, or a CliError when the configuration does not have it. */
function providerOf(node: NodeRecord, loaded: LoadedConfig): { config: ProviderConfig; driver: Driver } {
  const config = node.provider === null ? undefined : loaded.config.providers.get(node.provider);
  if (!config) {
    throw new CliError(
      `node ${node.id} belongs to provider ${node.provider ?? '(none)'}, which is not in ${loaded.path}: ` +
        'its cloud resources cannot be deleted from here; without --now a launcher that has the provider deletes it',
    );
  }
  return { config, driver: loaded.drivers.get(config.driver)! };
}

/** Deletes the node's cloud resources through its provider, then its record (the node is locked and `deleting`). */
async function deleteNow(
  node: NodeRecord,
  provider: { config: ProviderConfig; driver: Driver },
  { zk, systemId }: { zk: NodepoolZk; systemId: string },
  loaded: LoadedConfig,
  io: CliIo,
): Promise<void> {
  const externalId = typeof node.external_id === 'string' ? node.external_id : undefined;
  await withProvider(provider.config, provider.driver, { config: loaded.config, zk, systemId, logger: commandLogger(io) }, async (running) => {
    if (externalId) await running.cleanupNode(externalId);
    await zk.deleteNode(node.id);
    running.nodeDeletedNotification({ id: node.id, externalId });
  });
}
