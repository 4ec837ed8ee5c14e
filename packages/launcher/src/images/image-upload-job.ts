import {
  deleteImageBuild,
  deleteImageUpload,
  imageBuildFields,
  imageLocks,
  imageUploadFields,
  readImageTree,
  storeImageBuild,
  storeImageUpload,
  uploadTags,
  type Clock,
  type ImageFileFormat,
  type ImageUploads,
  type NodepoolConfig,
  type ZkClient,
} from '@cloudpool/common';

/** What an upload job works with: ZooKeeper, the configuration, and each provider's image uploads. */
export interface ImageJobContext {
  zk: ZkClient;
  config: NodepoolConfig;
  /** The image uploads of each started provider, by name; a provider whose driver has none is absent. */
  uploads: ReadonlyMap<string, ImageUploads>;
  /** This installation's id, tagged on every upload. */
  systemId: string;
  /** Written in the build record as nodepool-builder writes its own (`builder`, `builder_id`). */
  builder: { hostname: string; id: string };
  clock: Clock;
  /** Identifies our lock contenders. */
  identifier: string;
}

/** What happened at one provider. */
export interface ProviderUploadOutcome {
  provider: string;
  /** `skipped`: no upload record was made (the reason says why). */
  state: 'ready' | 'failed' | 'skipped';
  uploadId?: string;
  externalId?: string;
  externalName?: string;
  /** Why it failed or was skipped: the cloud's error, or ours. */
  reason?: string;
}

export interface ImageUploadResult {
  image: string;
  buildId: string;
  outcomes: ProviderUploadOutcome[];
}

/** Why an upload job did not start: nothing was written. */
export class ImageUploadRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageUploadRefused';
  }
}

/**
 * `cloudpool image upload`: records the file as a new build of `image`, then uploads it to
 * every provider whose `diskimages` names the image, recording each upload, all as
 * nodepool-builder does, so that its launchers and ours boot them:
 * - under the image's build lock (`builds/lock`, taken without waiting: held means another
 *   builder is at work, and the job is refused), a build record `building`, then `ready` with
 *   the file's format;
 * - per provider, in parallel, under its upload lock (`providers/<p>/images/lock`, without
 *   waiting), an upload record `uploading`, then `ready` with the cloud's image id and name
 *   (`<image>-<epoch seconds>`, Nodepool's default `image-name-format`) and format, or `failed`
 *   (only the state, as Nodepool writes it) with the cloud's error reported. Each cloud image is
 *   tagged with `nodepool_build_id`, `nodepool_upload_id`, `nodepool_provider_name` and
 *   `cloudpool_system_id`.
 * A provider whose entry for the image is paused is skipped, as nodepool-builder skips it; so is
 * one whose driver has no image uploads. A cloud's failure at one provider never stops the
 * others; a failed ZooKeeper write rejects the job (the records written stay as they are, for
 * `image cleanup` and leak cleanup).
 */
export async function uploadImageFile(context: ImageJobContext, image: string, path: string, format: ImageFileFormat): Promise<ImageUploadResult> {
  const diskimage = context.config.diskimages.get(image);
  if (!diskimage) throw new ImageUploadRefused(`diskimage "${image}" is not in the configuration's top-level diskimages`);
  const providers = [...context.config.providers.values()].filter((provider) => provider.diskimages.has(image));
  if (providers.length === 0) throw new ImageUploadRefused(`no provider's diskimages names "${image}": there is nowhere to upload it`);
  const now = () => context.clock.now() / 1000;
  const lock = imageLocks.build(context.zk, image, context.identifier);
  if (!(await lock.acquire({ blocking: false }))) throw new ImageUploadRefused(`another builder holds the build lock of "${image}"`);
  let buildId: string;
  try {
    const build = { builder: context.builder.hostname, builderId: context.builder.id, username: diskimage.username, pythonPath: diskimage.pythonPath, shellType: diskimage.shellType ?? null };
    buildId = await storeImageBuild(context.zk, image, imageBuildFields({ state: 'building', ...build, formats: [format] }, now()));
    await storeImageBuild(context.zk, image, imageBuildFields({ state: 'ready', ...build, formats: [format] }, now()), buildId);
  } finally {
    await lock.release();
  }
  const outcomes = await Promise.all(
    providers.map(async (provider): Promise<ProviderUploadOutcome> => {
      if (provider.diskimages.get(image)?.pause) return { provider: provider.name, state: 'skipped', reason: 'uploads of this image are paused for this provider' };
      const uploads = context.uploads.get(provider.name);
      if (!uploads) return { provider: provider.name, state: 'skipped', reason: `the ${provider.driver} driver cannot upload images` };
      return uploadToProvider(context, uploads, { image, buildId, provider: provider.name }, path, format, diskimage.username);
    }),
  );
  return { image, buildId, outcomes };
}

async function uploadToProvider(
  context: ImageJobContext,
  uploads: ImageUploads,
  where: { image: string; buildId: string; provider: string },
  path: string,
  format: ImageFileFormat,
  username: string,
): Promise<ProviderUploadOutcome> {
  const now = () => context.clock.now() / 1000;
  const lock = imageLocks.upload(context.zk, where, context.identifier);
  if (!(await lock.acquire({ blocking: false }))) return { provider: where.provider, state: 'skipped', reason: 'another uploader holds the upload lock' };
  try {
    const uploadId = await storeImageUpload(context.zk, where, imageUploadFields({ state: 'uploading', username }, now()));
    const externalName = `${where.image}-${Math.floor(now())}`;
    let externalId: string;
    try {
      const tags = uploadTags({ buildId: where.buildId, uploadId, providerName: where.provider, systemId: context.systemId });
      ({ externalId } = await uploads.uploadImage({ diskimage: where.image, imageName: externalName, path, format, tags }));
    } catch (error) {
      await storeImageUpload(context.zk, where, imageUploadFields({ state: 'failed' }, now()), uploadId);
      return { provider: where.provider, state: 'failed', uploadId, reason: error instanceof Error ? error.message : String(error) };
    }
    await storeImageUpload(context.zk, where, imageUploadFields({ state: 'ready', externalId, externalName, format, username }, now()), uploadId);
    return { provider: where.provider, state: 'ready', uploadId, externalId, externalName };
  } finally {
    await lock.release();
  }
}

/** What one cleanup pass did with one upload record. */
export interface UploadCleanupOutcome {
  image: string;
  buildId: string;
  provider: string;
  uploadId: string;
  /** `deleted`: the cloud image and the record are gone; `failed`: both are kept, for the next pass. */
  state: 'deleted' | 'failed' | 'skipped';
  reason?: string;
}

/**
 * The builder's deletion of uploads, for the providers in `context.uploads`, as nodepool-builder's
 * cleanup does it: each upload marked `deleting` (`image-delete`), each `failed` one, and each
 * upload not `uploading` of a build marked `deleting` (`dib-image-delete`), is deleted in the
 * cloud under its own lock (`images/<upload>/lock`, taken without waiting), then its record is
 * removed; an `uploading` record that no uploader works on (its provider's upload lock is free)
 * loses its record only; a build marked `deleting` whose uploads are all gone is removed too. A failed cloud delete keeps the record (marked `deleting`), so
 * the next pass tries again; NotFound counts as deleted. An upload without a cloud id (it
 * failed before the cloud made one) only loses its record.
 */
export async function cleanupImageUploads(context: ImageJobContext): Promise<UploadCleanupOutcome[]> {
  const outcomes: UploadCleanupOutcome[] = [];
  const now = () => context.clock.now() / 1000;
  for (const entry of await readImageTree(context.zk)) {
    const doomedBuilds = new Set(entry.builds.filter((build) => build.fields.state === 'deleting').map((build) => build.id));
    for (const upload of entry.uploads) {
      const uploads = context.uploads.get(upload.provider);
      if (!uploads) continue;
      const where = { image: upload.image, buildId: upload.buildId, provider: upload.provider, id: upload.id };
      if (upload.fields.state === 'uploading') {
        if (await abandoned(context, where)) {
          await deleteImageUpload(context.zk, where);
          outcomes.push({ ...outcomeWhere(where), state: 'deleted', reason: 'an upload no uploader is working on' });
        }
        continue;
      }
      const marked = upload.fields.state === 'deleting' || upload.fields.state === 'failed' || doomedBuilds.has(upload.buildId);
      if (!marked) continue;
      const lock = imageLocks.uploadNumber(context.zk, where, context.identifier);
      if (!(await lock.acquire({ blocking: false }))) {
        outcomes.push({ ...outcomeWhere(where), state: 'skipped', reason: 'another builder holds its lock' });
        continue;
      }
      try {
        if (upload.fields.state !== 'deleting') await storeImageUpload(context.zk, where, { ...upload.fields, state: 'deleting', state_time: now() }, upload.id);
        if (upload.fields.external_id) await uploads.deleteImage(upload.fields.external_id);
      } catch (error) {
        outcomes.push({ ...outcomeWhere(where), state: 'failed', reason: error instanceof Error ? error.message : String(error) });
        continue;
      } finally {
        await lock.release();
      }
      await deleteImageUpload(context.zk, where);
      outcomes.push({ ...outcomeWhere(where), state: 'deleted' });
    }
    for (const buildId of doomedBuilds) await deleteImageBuild(context.zk, entry.name, buildId);
  }
  return outcomes;
}

/**
 * Whether an `uploading` record is left over from an uploader that died: nobody holds its
 * provider's upload lock (nodepool-builder's `_inProgressUpload`), and it is still `uploading`
 * once that is known.
 */
async function abandoned(context: ImageJobContext, where: { image: string; buildId: string; provider: string; id: string }): Promise<boolean> {
  const lock = imageLocks.upload(context.zk, where, context.identifier);
  if (!(await lock.acquire({ blocking: false }))) return false;
  try {
    const [entry] = (await readImageTree(context.zk)).filter((image) => image.name === where.image);
    return entry?.uploads.some((upload) => upload.buildId === where.buildId && upload.provider === where.provider && upload.id === where.id && upload.fields.state === 'uploading') ?? false;
  } finally {
    await lock.release();
  }
}

function outcomeWhere(where: { image: string; buildId: string; provider: string; id: string }) {
  return { image: where.image, buildId: where.buildId, provider: where.provider, uploadId: where.id };
}
