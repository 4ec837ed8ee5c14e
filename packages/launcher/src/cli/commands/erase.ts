import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import { confirm } from '../confirm.js';
import type { CliIo } from '../io.js';
import { readNodes } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/**
 * `erase <provider> [--force]`, as Nodepool's: deletes every ZooKeeper node record of a provider
 * (typically one removed from the configuration), without locks and without touching the
 * cloud. Asks for confirmation unless `--force`.
 */
export function registerErase(program: Command, io: CliIo): void {
  withCommonOptions(program.command('erase'))
    .description("delete every ZooKeeper record of a provider's nodes (not their cloud resources)")
    .argument('<provider>', 'provider name')
    .option('--force', 'do not ask for confirmation')
    .action(async (provider: string, options: { force?: boolean }, command: Command) => {
      const { config, path } = await loadConfigFile(configPath(command), io);
      const erased = await withZooKeeper(config, async (zk) => {
        const nodes = await readNodes(zk, (node) => node.provider === provider);
        if (!options.force) {
          io.stderr.write('WARNING! This action is not reversible!\n');
          if (config.providers.has(provider)) io.stderr.write(`Provider ${provider} is still in ${path}: its launchers keep running it.\n`);
          const question = `Erase ZooKeeper data for provider ${provider} (${nodes.length} nodes)? [N/y] `;
          if (!(await confirm(io, question))) throw new CliError('aborted: no data erased');
        }
        for (const node of nodes) await zk.deleteNode(node.id);
        return nodes.map((node) => node.id);
      });
      printResult(io, wantsJson(command), { provider, erased }, () => `Erased the ZooKeeper records of ${erased.length} nodes of provider ${provider}\n`);
    });
}
