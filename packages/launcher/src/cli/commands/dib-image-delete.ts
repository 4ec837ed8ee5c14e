import type { Command } from 'commander';
import { markBuildDeleting } from '@cloudpool/common';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';
import { refusal } from './image-delete.js';

/**
 * `dib-image-delete <image>-<build>`, as Nodepool's: marks the build `deleting` for
 * nodepool-builder to delete its uploads, files and record (the id as `dib-image-list` shows
 * it, split at its last `-`). A build still `building`, or none, is refused with Nodepool's message.
 */
export function registerDibImageDelete(program: Command, io: CliIo): void {
  withCommonOptions(program.command('dib-image-delete'))
    .description('mark an image build for deletion by nodepool-builder')
    .argument('<id>', 'build id as dib-image-list shows it, e.g. ubuntu-jammy-0000000001')
    .action(async (id: string, _options: unknown, command: Command) => {
      const dash = id.lastIndexOf('-');
      if (dash <= 0 || dash === id.length - 1) throw new CliError(`Build ${id} not found: expected <image>-<build>`);
      const image = id.slice(0, dash);
      const buildId = id.slice(dash + 1);
      const { config } = await loadConfigFile(configPath(command), io);
      const marked = await withZooKeeper(config, (zk) => markBuildDeleting(zk.client, image, buildId, () => io.clock.now() / 1000)).catch(refusal);
      printResult(io, wantsJson(command), { id, image, build_id: buildId, state: marked.fields.state }, () => `Build ${id} marked for deletion\n`);
    });
}
