import type { Command } from 'commander';
import type { NodeRequestRecord } from '@cloudpool/common';
import { REQUEST_COLUMNS, requestRow } from '../../web/nodepool-status.js';
import { renderTable } from '../../web/text-table.js';
import { loadConfigFile } from '../config-file.js';
import { readRecord, reportInvalidRecords } from '../node-list.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

/** `request-list`: the node requests in ZooKeeper, as Nodepool lists them, in service order of their ids. */
export function registerRequestList(program: Command, io: CliIo): void {
  withCommonOptions(program.command('request-list'))
    .description('list the node requests in ZooKeeper')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const requests = await withZooKeeper(config, async (zk) => {
        const onInvalid = reportInvalidRecords(io);
        const found = await Promise.all((await zk.listRequestIds()).map((id) => readRecord(() => zk.getRequest(id), onInvalid)));
        return found.filter((request): request is NodeRequestRecord => request !== undefined);
      });
      const rows = requests.map(requestRow);
      printResult(io, wantsJson(command), rows, () => `${renderTable(REQUEST_COLUMNS, rows)}\n`);
    });
}
