import type { Command } from 'commander';
import { SYSTEM_ID_PATH } from '@cloudpool/common';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

interface SystemIdOptions {
  adopt?: string;
  new?: boolean;
}

/**
 * `system-id [--adopt ID | --new]`: shows this installation's id (`/cloudpool/system-id`), or,
 * where ZooKeeper holds none, stores one explicitly: `--adopt ID` the id the clouds' instances
 * carry (after ZooKeeper lost its data), `--new` a fresh random one (a new installation in an
 * account that holds another's instances). A launcher never mints one by itself while the clouds
 * hold instances of another (see `resolveInstallationId`). Exits 1 when ZooKeeper holds an id
 * already and it differs from the one to adopt, or when there is none to show.
 */
export function registerSystemId(program: Command, io: CliIo): void {
  withCommonOptions(program.command('system-id'))
    .description("show this installation's id in ZooKeeper, or store one where there is none (--adopt ID, --new)")
    .option('--adopt <id>', 'store this id (the one the clouds\' instances carry)')
    .option('--new', 'store a fresh random id')
    .action(async (options: SystemIdOptions, command: Command) => {
      if (options.adopt !== undefined && options.new) throw new CliError('--adopt and --new exclude each other');
      const { config } = await loadConfigFile(configPath(command), io);
      const result = await withZooKeeper(config, async (zk) => {
        const stored = await zk.storedSystemId();
        if (options.adopt === undefined && !options.new) {
          if (stored === undefined) throw new CliError(`no installation id in ZooKeeper at ${SYSTEM_ID_PATH}`);
          return { systemId: stored, stored: false };
        }
        if (stored !== undefined) {
          if (options.adopt === stored) return { systemId: stored, stored: false };
          throw new CliError(`ZooKeeper already holds installation id ${stored} at ${SYSTEM_ID_PATH}; not replaced`);
        }
        const systemId = await zk.getSystemId(options.adopt);
        return { systemId, stored: true };
      });
      printResult(io, wantsJson(command), result, () => `${result.systemId}${result.stored ? ` (stored at ${SYSTEM_ID_PATH})` : ''}\n`);
    });
}
