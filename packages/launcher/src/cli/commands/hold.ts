import type { Command } from 'commander';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { commandLogger } from '../logging.js';
import { existingNodeTask } from '../node-lock.js';
import { nodeRows, nodeTable } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `hold <id> [--reason]`, as Nodepool's: state `hold` (kept until deleted or `max-hold-age`), set in a node task (under the node lock). */
export function registerHold(program: Command, io: CliIo): void {
  withCommonOptions(program.command('hold'))
    .description('hold a node: no launcher reuses or deletes it until it is deleted by hand')
    .argument('<id>', 'node id, e.g. 0000000042')
    .option('--reason <text>', 'why, kept as the node comment')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      await withZooKeeper(config, async (zk) => {
        const task = await existingNodeTask({ zk, logger: commandLogger(io) }, id, { purpose: 'hold', blocking: false });
        const held = await task.run(() =>
          task.update((node) => {
            node.state = 'hold';
            if (options.reason !== undefined) node.comment = options.reason;
          }),
        );
        const rows = await nodeRows(zk, [held], io.clock.now());
        printResult(io, wantsJson(command), rows[0], () => nodeTable(rows));
      });
    });
}
