import type { ZkClient } from './client.js';
import { ZkRecordCache } from './cache.js';
import { isZkError, ZkError } from './errors.js';
import { ZkLock } from './lock.js';
import {
  assertZnodeName,
  IMAGE_ROOT,
  imageBuildPath,
  imageBuildRequestPath,
  imageBuildsPath,
  imagePausePath,
  imageProvidersPath,
  imageUploadPath,
  imageUploadsPath,
} from './paths.js';
import { InvalidRecordError, type UnknownFields } from './records.js';
import type { ZkStat } from './znode.js';

/**
 * The records nodepool-builder keeps under `/nodepool/images` (Nodepool's `ImageBuild` and
 * `ImageUpload`), read and followed in one place: the launcher's choice of the upload to boot,
 * leak cleanup's list of uploads, and the image commands and endpoints.
 *
 * Layout: `/nodepool/images/<image>` holds `pause` (present: builds paused), `request-build`
 * (a build was asked for) and `builds/` (with the builders' `lock`); each
 * `builds/<build>` is a build record with `lock` and `providers/<provider>/images/`
 * (with the uploaders' `lock`), whose other children are upload records (each with its own
 * `lock`). Records are UTF-8 JSON; unknown fields are kept and written back.
 */

/** States of a build (Nodepool's `ImageBuild.VALID_STATES`). */
export const IMAGE_BUILD_STATES = ['building', 'ready', 'deleting', 'failed'] as const;
export type ImageBuildState = (typeof IMAGE_BUILD_STATES)[number];

/** States of an upload (Nodepool's `ImageUpload.VALID_STATES`). */
export const IMAGE_UPLOAD_STATES = ['uploading', 'ready', 'deleting', 'failed'] as const;
export type ImageUploadState = (typeof IMAGE_UPLOAD_STATES)[number];

/** The JSON of a build record, as Nodepool's `ImageBuild.toDict` writes it. */
export interface ImageBuildFields extends UnknownFields {
  state: ImageBuildState;
  /** Epoch seconds of the last state change. */
  state_time: number;
  /** Host name of the builder. */
  builder?: string;
  builder_id?: string;
  /** Comma-separated, e.g. `qcow2,raw`. */
  formats?: string;
  username?: string | null;
  python_path?: string | null;
  shell_type?: string | null;
}

/** The JSON of an upload record, as Nodepool's `ImageUpload.toDict` writes it. */
export interface ImageUploadFields extends UnknownFields {
  state: ImageUploadState;
  state_time: number;
  /** The cloud's id of the image: an AMI id, an Azure image resource id, a Glance image id. */
  external_id: string | null;
  external_name: string | null;
  format: string | null;
  username?: string | null;
  python_path?: string | null;
  shell_type?: string | null;
}

export interface ImageBuildRecord {
  image: string;
  /** A sequence number (older Nodepool) or a UUID hex (newer). */
  id: string;
  fields: ImageBuildFields;
  stat: ZkStat;
}

export interface ImageUploadRecord {
  image: string;
  buildId: string;
  provider: string;
  /** A sequence number, unique within its build and provider. */
  id: string;
  fields: ImageUploadFields;
  stat: ZkStat;
}

/** Where an upload record lives. */
export interface ProviderUpload {
  image: string;
  /** The build's id: unique within its image (a sequence number in older Nodepool, a UUID in newer). */
  buildId: string;
  /** The upload's id: a sequence number, unique only within its build and provider. */
  uploadId: string;
}

/** The child of `builds/` and of an upload `images/` znode that is the builders' lock, not an id. */
const LOCK = 'lock';
const isLock = (child: string): boolean => child === LOCK;

/**
 * An image znode without data: one a builder's lock recipe made (locking `builds/<id>` or
 * `images/<upload>` creates the znode when it is gone). No record, and no fault: Nodepool reads
 * it as absent, and so is it here.
 */
export class EmptyImageZnode extends InvalidRecordError {
  constructor(path: string) {
    super(path, 'no data (a lock left it)');
    this.name = 'EmptyImageZnode';
  }
}

function parseJsonObject(path: string, data: Buffer): Record<string, unknown> {
  if (data.length === 0) throw new EmptyImageZnode(path);
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new InvalidRecordError(path, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRecordError(path, 'not a JSON object');
  return value as Record<string, unknown>;
}

function checkState<S extends string>(path: string, fields: Record<string, unknown>, states: readonly S[]): void {
  if (!states.includes(fields.state as S)) throw new InvalidRecordError(path, `state ${JSON.stringify(fields.state)} is none of ${states.join(', ')}`);
  if (typeof fields.state_time !== 'number') throw new InvalidRecordError(path, 'state_time is not a number');
}

/** Parses a build record; throws InvalidRecordError naming `path` when it is not one. */
export function parseImageBuild(path: string, image: string, id: string, data: Buffer, stat: ZkStat): ImageBuildRecord {
  const fields = parseJsonObject(path, data);
  checkState(path, fields, IMAGE_BUILD_STATES);
  return { image, id, fields: fields as ImageBuildFields, stat };
}

/** Parses an upload record; throws InvalidRecordError naming `path` when it is not one. */
export function parseImageUpload(path: string, where: Omit<ImageUploadRecord, 'fields' | 'stat'>, data: Buffer, stat: ZkStat): ImageUploadRecord {
  const fields = parseJsonObject(path, data);
  checkState(path, fields, IMAGE_UPLOAD_STATES);
  if (fields.external_id !== undefined && fields.external_id !== null && typeof fields.external_id !== 'string') {
    throw new InvalidRecordError(path, 'external_id is not a string');
  }
  const known = { external_id: null, external_name: null, format: null, ...fields };
  return { ...where, fields: known as ImageUploadFields, stat };
}

/** A build's `formats` as a sorted list (Nodepool stores them joined by commas). */
export function buildFormats(build: ImageBuildRecord): string[] {
  return (build.fields.formats ?? '').split(',').filter((f) => f !== '').sort();
}

/**
 * The upload Nodepool's launcher boots among `uploads`: in state `ready`, with the latest
 * `state_time` (the first of equal ones). Builds' states and pause flags do not matter, as in
 * Nodepool's `getMostRecentImageUpload`: pausing stops the builder, not the use of what it
 * uploaded.
 */
export function newestReadyUpload(uploads: Iterable<ImageUploadRecord>): ImageUploadRecord | undefined {
  let newest: ImageUploadRecord | undefined;
  for (const upload of uploads) {
    if (upload.fields.state !== 'ready') continue;
    if (newest === undefined || upload.fields.state_time > newest.fields.state_time) newest = upload;
  }
  return newest;
}

/**
 * What Nodepool writes as a diskimage node's `image_id`: the upload's znode path,
 * `/nodepool/images/<image>/builds/<build>/providers/<provider>/images/<upload>`.
 */
export function uploadImageId(upload: Pick<ImageUploadRecord, 'image' | 'buildId' | 'provider' | 'id'>): string {
  return imageUploadPath(upload.image, upload.buildId, upload.provider, upload.id);
}

/**
 * Every upload that Nodepool's builders recorded for `provider`, of every image and build and in
 * every state (one being deleted too): the znodes
 * `/nodepool/images/<image>/builds/<build>/providers/<provider>/images/<upload>`, as Nodepool's
 * `getProviderUploads` reads them, sorted by image, build and upload. Complete or rejecting:
 * no `/nodepool/images` means no uploads; a znode that vanishes between the listing of its
 * parent and its own (an image, build or upload tree being deleted) holds nothing, as is true
 * of it from then on; any other failure rejects.
 */
export async function listProviderUploads(client: ZkClient, provider: string): Promise<ProviderUpload[]> {
  assertZnodeName(provider, 'provider name');
  const images = (await client.getChildrenOrEmpty(IMAGE_ROOT)).sort();
  const perImage = await Promise.all(
    images.map(async (image) => {
      const builds = withoutLock(await client.getChildrenOrEmpty(imageBuildsPath(image)));
      const perBuild = await Promise.all(
        builds.map(async (buildId) => {
          const uploads = withoutLock(await client.getChildrenOrEmpty(imageUploadsPath(image, buildId, provider)));
          return uploads.map((uploadId): ProviderUpload => ({ image, buildId, uploadId }));
        }),
      );
      return perBuild.flat();
    }),
  );
  return perImage.flat();
}

function withoutLock(children: string[]): string[] {
  return children.filter((child) => !isLock(child)).sort();
}

/** One image as the image views show it. */
export interface ImageTreeEntry {
  name: string;
  /** `/nodepool/images/<image>/pause` exists. */
  paused: boolean;
  /** The `request-build` znode's creation time (ms), when a build was asked for. */
  buildRequestedAt?: number;
  builds: ImageBuildRecord[];
  uploads: ImageUploadRecord[];
}

/**
 * Reads the whole image tree once (for the CLI), images, builds, providers and uploads sorted
 * by name. Records that do not parse are passed to `onInvalid` and left out; znodes that vanish
 * while read, and empty ones (`EmptyImageZnode`), are left out; any other failure rejects.
 */
export async function readImageTree(client: ZkClient, onInvalid: (error: InvalidRecordError) => void = () => undefined): Promise<ImageTreeEntry[]> {
  const names = (await client.getChildrenOrEmpty(IMAGE_ROOT)).sort();
  const parsed = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      if (!(error instanceof EmptyImageZnode)) onInvalid(error);
      return undefined;
    }
  };
  return Promise.all(
    names.map(async (name): Promise<ImageTreeEntry> => {
      const [pause, request, buildIds] = await Promise.all([
        client.exists(imagePausePath(name)),
        client.exists(imageBuildRequestPath(name)),
        client.getChildrenOrEmpty(imageBuildsPath(name)),
      ]);
      const builds: ImageBuildRecord[] = [];
      const uploads: ImageUploadRecord[] = [];
      for (const buildId of withoutLock(buildIds)) {
        const path = imageBuildPath(name, buildId);
        const found = await client.getOrUndefined(path);
        if (!found) continue;
        const build = parsed(() => parseImageBuild(path, name, buildId, found.data, found.stat));
        if (build) builds.push(build);
        for (const provider of (await client.getChildrenOrEmpty(imageProvidersPath(name, buildId))).sort()) {
          for (const id of withoutLock(await client.getChildrenOrEmpty(imageUploadsPath(name, buildId, provider)))) {
            const uploadPath = imageUploadPath(name, buildId, provider, id);
            const record = await client.getOrUndefined(uploadPath);
            if (!record) continue;
            const upload = parsed(() => parseImageUpload(uploadPath, { image: name, buildId, provider, id }, record.data, record.stat));
            if (upload) uploads.push(upload);
          }
        }
      }
      return { name, paused: pause !== undefined, buildRequestedAt: request?.ctime, builds, uploads };
    }),
  );
}

/** Why an image-delete or dib-image-delete did not mark anything. */
export class ImageDeleteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDeleteRefused';
  }
}

/**
 * Nodepool's `image-delete`: sets the upload's state to `deleting` (with a new `state_time`), for
 * the builder to delete the cloud image and then the record. Refuses (ImageDeleteRefused) an
 * upload that does not exist or is still `uploading`, as Nodepool does. The write is conditional
 * on the version read, so a concurrent change by a builder is never overwritten: it is read and
 * judged again.
 */
export async function markUploadDeleting(client: ZkClient, where: Omit<ImageUploadRecord, 'fields' | 'stat'>, nowSeconds: () => number): Promise<ImageUploadRecord> {
  const path = imageUploadPath(where.image, where.buildId, where.provider, where.id);
  return markDeleting(client, path, 'Image upload not found', (data, stat) => parseImageUpload(path, where, data, stat), 'uploading', 'Cannot delete because image upload in progress', nowSeconds);
}

/**
 * Nodepool's `dib-image-delete <image>-<build>`: sets the build's state to `deleting`, for the
 * builder to delete its uploads, files and record. Refuses a build that does not exist or is
 * still `building`. Conditional on the version read, as `markUploadDeleting`.
 */
export async function markBuildDeleting(client: ZkClient, image: string, buildId: string, nowSeconds: () => number): Promise<ImageBuildRecord> {
  const path = imageBuildPath(image, buildId);
  return markDeleting(client, path, `Build ${image}-${buildId} not found`, (data, stat) => parseImageBuild(path, image, buildId, data, stat), 'building', 'Cannot delete a build in progress', nowSeconds);
}

async function markDeleting<R extends { fields: { state: string; state_time: number }; stat: ZkStat }>(
  client: ZkClient,
  path: string,
  missing: string,
  parse: (data: Buffer, stat: ZkStat) => R,
  inProgress: string,
  inProgressMessage: string,
  nowSeconds: () => number,
): Promise<R> {
  for (;;) {
    const found = await client.getOrUndefined(path);
    if (!found) throw new ImageDeleteRefused(missing);
    const record = parse(found.data, found.stat);
    if (record.fields.state === inProgress) throw new ImageDeleteRefused(inProgressMessage);
    const fields = { ...record.fields, state: 'deleting', state_time: nowSeconds() };
    try {
      const stat = await client.set(path, JSON.stringify(fields), found.stat.version);
      return { ...record, fields, stat };
    } catch (error) {
      if (isZkError(error, 'BadVersion')) continue;
      if (isZkError(error, 'NoNode')) throw new ImageDeleteRefused(missing);
      throw error;
    }
  }
}

interface CachedEntry {
  readonly id: string;
  stat: ZkStat;
}

interface CachedBuild extends CachedEntry {
  providers: ZkRecordCache<CachedEntry>;
  uploads: Map<string, ZkRecordCache<ImageUploadRecord & CachedEntry>>;
}

interface CachedImage extends CachedEntry {
  builds: ZkRecordCache<CachedBuild>;
}

/**
 * The uploads of every image, kept current by ZooKeeper watches (the record caches of the zk
 * layer, one per level of the tree), so that choosing the upload to boot reads memory and a new
 * upload is seen from the next launch on. The cache never creates any part of the tree: it is
 * the builders'. Reads are as current as the last watch event.
 */
export class ImageUploadCache {
  private readonly images: ZkRecordCache<CachedImage>;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly client: ZkClient,
    options: { onError?: (error: unknown) => void } = {},
  ) {
    const report = options.onError ?? ((error) => process.emitWarning(`ZooKeeper cache of ${IMAGE_ROOT}: ${String(error)}`));
    this.onError = (error) => {
      if (!(error instanceof EmptyImageZnode)) report(error);
    };
    this.images = new ZkRecordCache(client, IMAGE_ROOT, (_path, id, _data, stat) => this.imageEntry(id, stat), this.cacheOptions());
    this.images.on('removed', (image) => image.builds.stop());
  }

  /** Starts following the tree; `synced()` resolves once what exists now is loaded. */
  async start(): Promise<void> {
    await this.images.start();
  }

  /** Resolves once the tree as it was at start (and as far as it is known by now) is loaded. */
  async synced(): Promise<void> {
    await this.images.waitForSync();
    await Promise.all(
      this.images.values().map(async (image) => {
        await image.builds.waitForSync();
        await Promise.all(
          image.builds.values().map(async (build) => {
            await build.providers.waitForSync();
            await Promise.all([...build.uploads.values()].map((uploads) => uploads.waitForSync()));
          }),
        );
      }),
    );
  }

  stop(): void {
    this.images.stop();
    for (const image of this.images.values()) {
      image.builds.stop();
      for (const build of image.builds.values()) this.stopBuild(build);
    }
  }

  /** Every upload of `image` to `provider` now known, in any state. */
  uploads(image: string, provider: string): ImageUploadRecord[] {
    const cached = this.images.get(image);
    if (!cached) return [];
    return cached.builds.values().flatMap((build) => build.uploads.get(provider)?.values() ?? []);
  }

  /** The upload Nodepool would boot for `image` on `provider` (see `newestReadyUpload`), if any. */
  newestReady(image: string, provider: string): ImageUploadRecord | undefined {
    return newestReadyUpload(this.uploads(image, provider));
  }

  private cacheOptions() {
    return { createRoot: false, skipChild: isLock, onError: this.onError };
  }

  private imageEntry(image: string, stat: ZkStat): CachedImage {
    const existing = this.images.get(image);
    if (existing) return { ...existing, stat };
    const builds: ZkRecordCache<CachedBuild> = new ZkRecordCache<CachedBuild>(this.client, imageBuildsPath(image), (_path, id, _data, buildStat): CachedBuild => this.buildEntry(image, builds, id, buildStat), this.cacheOptions());
    builds.on('removed', (build) => this.stopBuild(build));
    void builds.start().catch(this.onError);
    return { id: image, stat, builds };
  }

  private buildEntry(image: string, builds: ZkRecordCache<CachedBuild>, buildId: string, stat: ZkStat): CachedBuild {
    const existing = builds.get(buildId);
    if (existing) return { ...existing, stat };
    const uploads = new Map<string, ZkRecordCache<ImageUploadRecord & CachedEntry>>();
    const providers = new ZkRecordCache<CachedEntry>(this.client, imageProvidersPath(image, buildId), (_path, id, _data, providerStat) => ({ id, stat: providerStat }), this.cacheOptions());
    providers.on('added', ({ id: provider }) => {
      const cache = new ZkRecordCache<ImageUploadRecord & CachedEntry>(
        this.client,
        imageUploadsPath(image, buildId, provider),
        (path, id, data, uploadStat) => parseImageUpload(path, { image, buildId, provider, id }, data, uploadStat),
        this.cacheOptions(),
      );
      uploads.set(provider, cache);
      void cache.start().catch(this.onError);
    });
    providers.on('removed', ({ id: provider }) => {
      uploads.get(provider)?.stop();
      uploads.delete(provider);
    });
    void providers.start().catch(this.onError);
    return { id: buildId, stat, providers, uploads };
  }

  private stopBuild(build: CachedBuild): void {
    build.providers.stop();
    for (const uploads of build.uploads.values()) uploads.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing records as nodepool-builder does (its `storeBuild`, `storeImageUpload`, `deleteUpload`,
// `deleteBuild` and the kazoo locks it takes around them), so that a Nodepool launcher boots
// what cloudpool uploads and a nodepool-builder sharing the ZooKeeper respects its work.
// ---------------------------------------------------------------------------------------------

/** What a builder puts in a build record besides its state (see `imageBuildFields`). */
export interface ImageBuildWrite {
  state: ImageBuildState;
  /** Host name of the builder. */
  builder?: string;
  /** The builder's unique id (Nodepool keeps it in `builder_id` in its state directory). */
  builderId?: string;
  /** Disk formats built; written sorted and joined by commas, left out when empty. */
  formats?: readonly string[];
  username?: string | null;
  pythonPath?: string | null;
  shellType?: string | null;
}

/**
 * A build record's JSON exactly as Nodepool's `ImageBuild.toDict` writes it: `state` and
 * `state_time` (epoch seconds, set with the state), `builder` and `builder_id` only when known,
 * `formats` only when there are some, and `username`, `python_path`, `shell_type` always (null
 * when unset).
 */
export function imageBuildFields(write: ImageBuildWrite, stateTime: number): ImageBuildFields {
  const formats = [...(write.formats ?? [])].sort();
  return {
    state: write.state,
    state_time: stateTime,
    ...(write.builder !== undefined ? { builder: write.builder } : {}),
    ...(write.builderId !== undefined ? { builder_id: write.builderId } : {}),
    ...(formats.length > 0 ? { formats: formats.join(',') } : {}),
    username: write.username ?? null,
    python_path: write.pythonPath ?? null,
    shell_type: write.shellType ?? null,
  };
}

/** What an uploader puts in an upload record besides its state (see `imageUploadFields`). */
export interface ImageUploadWrite {
  state: ImageUploadState;
  externalId?: string | null;
  externalName?: string | null;
  format?: string | null;
  username?: string | null;
  pythonPath?: string | null;
  shellType?: string | null;
}

/**
 * An upload record's JSON exactly as Nodepool's `ImageUpload.toDict` writes it: every key,
 * null when unset (`state`, `state_time`, `external_id`, `external_name`, `format`,
 * `username`, `python_path`, `shell_type`).
 */
export function imageUploadFields(write: ImageUploadWrite, stateTime: number): ImageUploadFields {
  return {
    state: write.state,
    state_time: stateTime,
    external_id: write.externalId ?? null,
    external_name: write.externalName ?? null,
    format: write.format ?? null,
    username: write.username ?? null,
    python_path: write.pythonPath ?? null,
    shell_type: write.shellType ?? null,
  };
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Nodepool's `storeBuild`: without `buildId`, creates a new build record, a persistent
 * sequential child of `/nodepool/images/<image>/builds/` (missing parents made), and returns its
 * id (`0000000001`, ...); with one, rewrites that record whole. Hold `imageBuildLock` while
 * creating, as nodepool-builder does. The write is done when this resolves and failed when it
 * rejects (a rewrite of a record that is gone rejects with `NoNode`).
 */
export async function storeImageBuild(client: ZkClient, image: string, fields: ImageBuildFields, buildId?: string): Promise<string> {
  const data = JSON.stringify(fields);
  if (buildId !== undefined) {
    await client.set(imageBuildPath(image, buildId), data);
    return buildId;
  }
  await client.mkdirp(imageBuildsPath(image));
  return lastSegment(await client.create(`${imageBuildsPath(image)}/`, data, { sequential: true }));
}

/**
 * Nodepool's `storeImageUpload`: refuses (`NoNode`) when the image has no `builds/` znode;
 * without `uploadId`, creates a new upload record, a persistent sequential child of
 * `builds/<build>/providers/<provider>/images/` (missing parents made), and returns its id;
 * with one, rewrites that record whole. Hold `imageUploadLock` while creating an upload.
 */
export async function storeImageUpload(client: ZkClient, where: { image: string; buildId: string; provider: string }, fields: ImageUploadFields, uploadId?: string): Promise<string> {
  const data = JSON.stringify(fields);
  if (uploadId !== undefined) {
    await client.set(imageUploadPath(where.image, where.buildId, where.provider, uploadId), data);
    return uploadId;
  }
  const builds = imageBuildsPath(where.image);
  if (!(await client.exists(builds))) throw new ZkError('NoNode', `Cannot find build ${where.buildId} of image ${where.image}`, { path: builds, operation: 'storeImageUpload' });
  const uploads = imageUploadsPath(where.image, where.buildId, where.provider);
  await client.mkdirp(uploads);
  return lastSegment(await client.create(`${uploads}/`, data, { sequential: true }));
}

/** Nodepool's `deleteUpload`: removes an upload record with its lock znodes; one already gone is done. */
export async function deleteImageUpload(client: ZkClient, where: Omit<ImageUploadRecord, 'fields' | 'stat'>): Promise<void> {
  await client.deleteRecursive(imageUploadPath(where.image, where.buildId, where.provider, where.id));
}

/**
 * Nodepool's `deleteBuild`: removes a build record (with its locks and empty provider znodes)
 * once no provider holds an upload of it; resolves false, deleting nothing, while one does.
 * A build already gone is done (true).
 */
export async function deleteImageBuild(client: ZkClient, image: string, buildId: string): Promise<boolean> {
  for (const provider of await client.getChildrenOrEmpty(imageProvidersPath(image, buildId))) {
    if (withoutLock(await client.getChildrenOrEmpty(imageUploadsPath(image, buildId, provider))).length > 0) return false;
  }
  await client.deleteRecursive(imageBuildPath(image, buildId));
  return true;
}

/**
 * The kazoo locks nodepool-builder takes (its `imageBuildLock`, `imageBuildNumberLock`,
 * `imageUploadLock`, `imageUploadNumberLock`), as `ZkLock`s on the same znodes so that a
 * nodepool-builder and cloudpool exclude each other: `builds/lock` while a build is made,
 * `builds/<build>/lock` while a build is marked deleting, `providers/<provider>/images/lock`
 * while an upload is made (nodepool-builder also reads an upload as in progress while it is
 * held), `images/<upload>/lock` while an upload is deleted. Nodepool takes each non-blocking
 * and skips the work when another holds it.
 */
export const imageLocks = {
  build: (client: ZkClient, image: string, identifier?: string): ZkLock => new ZkLock(client, `${imageBuildsPath(image)}/${LOCK}`, { identifier }),
  buildNumber: (client: ZkClient, image: string, buildId: string, identifier?: string): ZkLock => new ZkLock(client, `${imageBuildPath(image, buildId)}/${LOCK}`, { identifier }),
  upload: (client: ZkClient, where: { image: string; buildId: string; provider: string }, identifier?: string): ZkLock =>
    new ZkLock(client, `${imageUploadsPath(where.image, where.buildId, where.provider)}/${LOCK}`, { identifier }),
  uploadNumber: (client: ZkClient, where: Omit<ImageUploadRecord, 'fields' | 'stat'>, identifier?: string): ZkLock =>
    new ZkLock(client, `${imageUploadPath(where.image, where.buildId, where.provider, where.id)}/${LOCK}`, { identifier }),
};
