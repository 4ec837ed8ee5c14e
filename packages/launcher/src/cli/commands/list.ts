import type { Command } from 'commander';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { nodeRows, nodeTable, readNodes, reportInvalidRecords } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `list [--detail]`: every node in ZooKeeper, as Nodepool lists them. */
export function registerList(program: Command, io: CliIo): void {
  withCommonOptions(program.command('list'))
    .description('list the nodes in ZooKeeper')
    .option('--detail', 'also show pool, hostname, private IPv4, AZ, username, port, launcher, allocation, hold job, comment, user data and driver data')
    .action(async (options: { detail?: boolean }, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const rows = await withZooKeeper(config, async (zk) => nodeRows(zk, await readNodes(zk, undefined, reportInvalidRecords(io)), io.clock.now()));
      printResult(io, wantsJson(command), rows, () => nodeTable(rows, options.detail));
    });
}
