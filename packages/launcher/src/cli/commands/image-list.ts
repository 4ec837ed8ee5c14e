import type { Command } from 'commander';
import { imageList } from '../../web/image-status.js';
import { renderTable } from '../../web/text-table.js';
import { loadConfigFile } from '../config-file.js';
import { readImages } from '../image-tree.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `image-list`: the uploads of nodepool-builder's images to each provider, as Nodepool lists them (the web's `/image-list`). */
export function registerImageList(program: Command, io: CliIo): void {
  withCommonOptions(program.command('image-list'))
    .description('list the uploads of the images nodepool-builder built, per provider')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const list = await withZooKeeper(config, async (zk) => imageList(await readImages(zk, io), io.clock.now()));
      printResult(io, wantsJson(command), list.rows, () => `${renderTable(list.columns, list.tableRows ?? list.rows)}\n`);
    });
}
