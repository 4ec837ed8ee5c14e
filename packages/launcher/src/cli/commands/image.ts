import os from 'node:os';
import { IMAGE_FILE_FORMATS, type Driver, type ImageFileFormat, type ImageUploads, type NodepoolConfig, type NodepoolZk } from '@cloudpool/common';
import { Command, Option } from 'commander';
import { DEFAULT_TIMINGS } from '../../context.js';
import { runBuilderPass } from '../../images/image-builder.js';
import { cleanupImageUploads, ImageUploadRefused, uploadImageFile, type ImageJobContext } from '../../images/image-upload-job.js';
import { ProviderRuntime } from '../../providers/provider-runtime.js';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { commandLogger } from '../logging.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { untilSignal } from '../signals.js';
import { withZooKeeper } from '../zookeeper.js';

/**
 * `image upload <name> <file> [--format raw|qcow2|vhd]` and `image cleanup`: the upload half of
 * nodepool-builder, for images built elsewhere (see `uploadImageFile` and
 * `cleanupImageUploads`). Both start only the providers they need and stop them after.
 * `upload` prints one line per provider (JSON: the build and each outcome) and exits 1 when an
 * upload failed; `cleanup` prints what it deleted and exits 1 when a delete failed.
 */
export function imageCommand(io: CliIo): Command {
  const image = withCommonOptions(new Command('image')).description('upload images without diskimage-builder, and delete uploads marked for deletion');
  withCommonOptions(image.command('upload'))
    .description('record a new build of a diskimage and upload the file to every provider whose diskimages name it')
    .argument('<name>', 'a top-level diskimages entry')
    .argument('<file>', 'the image file')
    .addOption(new Option('--format <format>', 'the file\'s disk format').choices(IMAGE_FILE_FORMATS).default('qcow2'))
    .action(async (name: string, file: string, options: { format: ImageFileFormat }, command: Command) => {
      const { config, drivers } = await loadConfigFile(configPath(command), io);
      const providers = [...config.providers.values()].filter((provider) => provider.diskimages.has(name)).map((provider) => provider.name);
      const result = await withZooKeeper(config, (zk) => withImageJob(zk, config, drivers, providers, io, (context) => uploadImageFile(context, name, file, options.format))).catch((error: unknown) => {
        if (error instanceof ImageUploadRefused) throw new CliError(error.message);
        throw error;
      });
      if (wantsJson(command)) io.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        io.stdout.write(`Build ${result.buildId} of ${result.image}\n`);
        for (const outcome of result.outcomes) {
          const detail = outcome.state === 'ready' ? `upload ${outcome.uploadId}: ${outcome.externalName} (${outcome.externalId})` : `${outcome.uploadId ? `upload ${outcome.uploadId}: ` : ''}${outcome.reason ?? ''}`;
          io.stdout.write(`  ${outcome.provider}: ${outcome.state} ${detail}\n`);
        }
      }
      const failed = result.outcomes.filter((outcome) => outcome.state === 'failed').map((outcome) => outcome.provider);
      if (failed.length > 0) throw new CliError(`the upload to ${failed.join(', ')} failed`);
    });
  withCommonOptions(image.command('cleanup'))
    .description('delete, in the cloud and in ZooKeeper, the uploads marked by image-delete and dib-image-delete')
    .action(async (_options: unknown, command: Command) => {
      const { config, drivers } = await loadConfigFile(configPath(command), io);
      const outcomes = await withZooKeeper(config, (zk) => withImageJob(zk, config, drivers, [...config.providers.keys()], io, cleanupImageUploads));
      for (const outcome of outcomes) {
        io.stdout.write(
          wantsJson(command) ? `${JSON.stringify(outcome)}\n` : `${outcome.image}-${outcome.buildId} upload ${outcome.uploadId} to ${outcome.provider}: ${outcome.state}${outcome.reason ? ` (${outcome.reason})` : ''}\n`,
        );
      }
      const failed = outcomes.filter((outcome) => outcome.state === 'failed');
      if (failed.length > 0) throw new CliError(`${failed.length} upload(s) could not be deleted; they stay marked for the next run`);
    });
  return image;
}

/** Nodepool's default `images-dir`. */
const DEFAULT_IMAGES_DIR = '/opt/nodepool_dib';

/**
 * `builder [--once] [--images-dir DIR] [--interval SECONDS]`: the builder daemon without
 * diskimage-builder. Each pass (see `runBuilderPass`) builds, with its
 * `cloudpool-build-command`, each diskimage whose newest ready build is older than its
 * `rebuild-age`, uploads it to its providers, then deletes what `image-delete` marked (as
 * `image cleanup`). Prints one line per diskimage built or failed (JSON with `--json`); the build
 * commands' output goes to stderr. Runs a pass every `--interval` (default 60 s) until SIGTERM
 * or SIGINT; `--once` runs one and exits 1 when a build or an upload failed.
 */
export function builderCommand(io: CliIo): Command {
  return withCommonOptions(new Command('builder'))
    .description('build diskimages with their cloudpool-build-command on their rebuild-age and upload them')
    .option('--once', 'run one pass and exit')
    .option('--images-dir <dir>', 'where the build commands write the images', DEFAULT_IMAGES_DIR)
    .option('--interval <seconds>', 'seconds between passes', (value: string) => Number(value), 60)
    .action(async (options: { once?: boolean; imagesDir: string; interval: number }, command: Command) => {
      const { config, drivers } = await loadConfigFile(configPath(command), io);
      const json = wantsJson(command);
      const stop = new AbortController();
      if (!options.once) void untilSignal(io.signals, ['SIGTERM', 'SIGINT']).then(() => stop.abort());
      const names = [...config.providers.values()].filter((provider) => provider.diskimages.size > 0).map((provider) => provider.name);
      let failed = 0;
      await withZooKeeper(config, (zk) =>
        withImageJob(zk, config, drivers, names, io, async (context) => {
          do {
            for (const outcome of await runBuilderPass(context, options.imagesDir, (chunk) => io.stderr.write(chunk.toString('utf8')))) {
              if (outcome.state === 'current') continue;
              const uploadFailed = outcome.state === 'built' && outcome.upload.outcomes.some((upload) => upload.state === 'failed');
              if (outcome.state === 'failed' || uploadFailed) failed++;
              io.stdout.write(json ? `${JSON.stringify(outcome)}\n` : `${outcome.image}: ${outcome.state === 'built' ? `build ${outcome.upload.buildId}, ${outcome.upload.outcomes.map((upload) => `${upload.provider} ${upload.state}`).join(', ')}` : `failed (${outcome.reason})`}\n`);
            }
            for (const deleted of await cleanupImageUploads(context)) if (deleted.state === 'failed') failed++;
            if (options.once || stop.signal.aborted) return;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.interval * 1000);
              stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
            });
          } while (!stop.signal.aborted);
        }),
      );
      if (options.once && failed > 0) throw new CliError(`${failed} build(s), upload(s) or deletion(s) failed`);
    });
}

/** Starts the named providers (with this installation's id), runs `work`, and stops them. */
async function withImageJob<T>(zk: NodepoolZk, config: NodepoolConfig, drivers: ReadonlyMap<string, Driver>, names: readonly string[], io: CliIo, work: (context: ImageJobContext) => Promise<T>): Promise<T> {
  const systemId = await zk.getSystemId(config.cloudpool.systemId);
  const logger = commandLogger(io);
  const runtimes: ProviderRuntime[] = [];
  const uploads = new Map<string, ImageUploads>();
  try {
    for (const name of names) {
      const providerConfig = config.providers.get(name);
      const driver = providerConfig && drivers.get(providerConfig.driver);
      if (!providerConfig || !driver) continue;
      const runtime = new ProviderRuntime(providerConfig, driver, { zk, systemId, logger, clock: io.clock, config: () => config, timings: { providerLoopMs: DEFAULT_TIMINGS.providerLoopMs } });
      runtimes.push(runtime);
      await runtime.start();
      const images = runtime.provider.imageUploads;
      if (images) uploads.set(name, images);
    }
    const identifier = `cloudpool-image-${os.hostname()}-${process.pid}`;
    return await work({ zk: zk.client, config, uploads, systemId, builder: { hostname: os.hostname(), id: systemId }, clock: io.clock, identifier });
  } finally {
    for (const runtime of runtimes.reverse()) await runtime.stop();
  }
}
