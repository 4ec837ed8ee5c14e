import type { Command } from 'commander';
import { imageStatus } from '../../web/image-status.js';
import { renderTable } from '../../web/text-table.js';
import { loadConfigFile } from '../config-file.js';
import { readImages } from '../image-tree.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `image-status`: each image's pause flag and build request, as Nodepool shows them (the web's `/image-status`). */
export function registerImageStatus(program: Command, io: CliIo): void {
  withCommonOptions(program.command('image-status'))
    .description('show whether each image is paused and has a build request')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const list = await withZooKeeper(config, async (zk) => imageStatus(await readImages(zk, io)));
      printResult(io, wantsJson(command), list.rows, () => `${renderTable(list.columns, list.tableRows ?? list.rows)}\n`);
    });
}
