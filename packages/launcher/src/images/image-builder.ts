import { spawn } from 'node:child_process';
import path from 'node:path';
import { IMAGE_FILE_FORMATS, readImageTree, type DiskimageConfig, type ImageFileFormat } from '@cloudpool/common';
import { uploadImageFile, type ImageJobContext, type ImageUploadResult } from './image-upload-job.js';

/** What one builder pass did with one diskimage. */
export type BuildOutcome =
  | { image: string; state: 'built'; upload: ImageUploadResult }
  | { image: string; state: 'failed'; reason: string }
  | { image: string; state: 'current' };

/** The format a diskimage's file is uploaded in: its first `formats` entry we can upload, else qcow2. */
export function buildFormat(diskimage: DiskimageConfig): ImageFileFormat {
  return (diskimage.formats.find((format) => (IMAGE_FILE_FORMATS as readonly string[]).includes(format)) as ImageFileFormat | undefined) ?? 'qcow2';
}

/**
 * One pass of `cloudpool builder`: each top-level diskimage with a `cloudpool-build-command`,
 * not paused, whose newest `ready` build is older than its `rebuild-age` (or that has none), as
 * nodepool-builder decides, is built by running the command with `/bin/sh -c` in `imagesDir`,
 * with `CLOUDPOOL_IMAGE_NAME` and `CLOUDPOOL_IMAGE_FILE` (`<imagesDir>/<name>.<format>`) in its
 * environment; when it exits 0 the file is uploaded with `uploadImageFile`. A command that fails
 * records nothing and is reported with its exit status; the next pass tries again.
 */
export async function runBuilderPass(context: ImageJobContext, imagesDir: string, output: (chunk: Buffer) => void): Promise<BuildOutcome[]> {
  const tree = new Map((await readImageTree(context.zk)).map((entry) => [entry.name, entry]));
  const outcomes: BuildOutcome[] = [];
  for (const diskimage of context.config.diskimages.values()) {
    if (diskimage.buildCommand === undefined || diskimage.pause) continue;
    const newest = Math.max(-Infinity, ...(tree.get(diskimage.name)?.builds ?? []).filter((build) => build.fields.state === 'ready').map((build) => build.fields.state_time));
    if (context.clock.now() / 1000 - newest < diskimage.rebuildAge) {
      outcomes.push({ image: diskimage.name, state: 'current' });
      continue;
    }
    const format = buildFormat(diskimage);
    const file = path.join(imagesDir, `${diskimage.name}.${format}`);
    const status = await run(diskimage.buildCommand, imagesDir, { CLOUDPOOL_IMAGE_NAME: diskimage.name, CLOUDPOOL_IMAGE_FILE: file }, output);
    if (status !== 0) {
      outcomes.push({ image: diskimage.name, state: 'failed', reason: `the build command exited with ${status}` });
      continue;
    }
    outcomes.push({ image: diskimage.name, state: 'built', upload: await uploadImageFile(context, diskimage.name, file, format) });
  }
  return outcomes;
}

/** Runs `command` with the shell; resolves with its exit status (a signal's name when killed). Its output and errors go to `output`. */
function run(command: string, cwd: string, env: Record<string, string>, output: (chunk: Buffer) => void): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', output);
    child.stderr.on('data', output);
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}
