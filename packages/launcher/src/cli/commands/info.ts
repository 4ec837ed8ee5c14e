import type { Command } from 'commander';
import { listComponents } from '@cloudpool/common';
import { renderTable, type Column } from '../../web/text-table.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { nodeRows, nodeTable, readNodes, reportInvalidRecords } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** The pool components' fields shown, as launchers register them in ZooKeeper. */
const POOL_COLUMNS: Column[] = [
  { key: 'name', header: 'Pool' },
  { key: 'hostname', header: 'Launcher' },
  { key: 'supported_labels', header: 'Labels' },
  { key: 'state', header: 'State' },
  { key: 'paused', header: 'Paused' },
];

/**
 * `info <provider>`, as Nodepool's: the provider's nodes in ZooKeeper; and, since cloudpool has
 * no image builder, the pool workers that launchers registered for it instead of image data.
 */
export function registerInfo(program: Command, io: CliIo): void {
  withCommonOptions(program.command('info'))
    .description("show a provider's nodes and registered pools in ZooKeeper")
    .argument('<provider>', 'provider name')
    .action(async (provider: string, _options: unknown, command: Command) => {
      const { config, path } = await loadConfigFile(configPath(command), io);
      const { nodes, pools } = await withZooKeeper(config, async (zk) => ({
        nodes: await nodeRows(zk, await readNodes(zk, (node) => node.provider === provider, reportInvalidRecords(io)), io.clock.now()),
        pools: (await listComponents(zk.client, 'pool', reportInvalidRecords(io))).map(({ content }) => content).filter((pool) => pool.provider_name === provider),
      }));
      const configured = config.providers.has(provider);
      printResult(io, wantsJson(command), { provider, configured, nodes, pools }, () => {
        const note = configured ? '' : `(provider ${provider} is not in ${path})\n`;
        return (
          `${note}ZooKeeper nodes for provider ${provider}:\n${nodeTable(nodes)}` +
          `Pools registered for provider ${provider}:\n${renderTable(POOL_COLUMNS, pools)}\n`
        );
      });
    });
}
