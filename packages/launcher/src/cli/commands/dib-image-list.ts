import type { Command } from 'commander';
import { dibImageList } from '../../web/image-status.js';
import { renderTable } from '../../web/text-table.js';
import { loadConfigFile } from '../config-file.js';
import { readImages } from '../image-tree.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `dib-image-list`: the builds of nodepool-builder's images, as Nodepool lists them (the web's `/dib-image-list`). */
export function registerDibImageList(program: Command, io: CliIo): void {
  withCommonOptions(program.command('dib-image-list'))
    .description('list the builds of the images nodepool-builder built')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const list = await withZooKeeper(config, async (zk) => dibImageList(await readImages(zk, io), io.clock.now()));
      printResult(io, wantsJson(command), list.rows, () => `${renderTable(list.columns, list.tableRows ?? list.rows)}\n`);
    });
}
