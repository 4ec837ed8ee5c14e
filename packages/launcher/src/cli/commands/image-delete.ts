import type { Command } from 'commander';
import { ImageDeleteRefused, markUploadDeleting } from '@cloudpool/common';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';

interface ImageDeleteOptions {
  provider: string;
  image: string;
  buildId: string;
  uploadId: string;
}

/**
 * `image-delete --provider P --image I --build-id B --upload-id U`, as Nodepool's: marks the
 * upload `deleting` for nodepool-builder to delete the cloud image and then the record. An
 * upload still `uploading`, or none, is refused with Nodepool's message.
 */
export function registerImageDelete(program: Command, io: CliIo): void {
  withCommonOptions(program.command('image-delete'))
    .description('mark an image upload for deletion by nodepool-builder')
    .requiredOption('--provider <name>', 'provider name')
    .requiredOption('--image <name>', 'image name')
    .requiredOption('--build-id <id>', 'build id')
    .requiredOption('--upload-id <id>', 'upload id')
    .action(async (options: ImageDeleteOptions, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      const where = { image: options.image, buildId: options.buildId, provider: options.provider, id: options.uploadId };
      const marked = await withZooKeeper(config, (zk) => markUploadDeleting(zk.client, where, () => io.clock.now() / 1000)).catch(refusal);
      const record = { image: marked.image, build_id: marked.buildId, provider: marked.provider, upload_id: marked.id, state: marked.fields.state };
      printResult(io, wantsJson(command), record, () => `Upload ${marked.id} of ${marked.image} build ${marked.buildId} to ${marked.provider} marked for deletion\n`);
    });
}

/** Nodepool's refusal as the command's error; anything else as it is. */
export function refusal(error: unknown): never {
  if (error instanceof ImageDeleteRefused) throw new CliError(error.message);
  throw error;
}
